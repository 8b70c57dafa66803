// libxcrypt (Debian's libcrypt-dev): crypt_rn verifies bcrypt hashes imported from other providers.
#include <crypt.h>
