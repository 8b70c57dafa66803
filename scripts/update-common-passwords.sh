#!/usr/bin/env bash
# update-common-passwords.sh — fetches Django's list of common passwords from its PyPI wheel and
# installs it as Sources/GatehouseCore/Resources/common-passwords.txt (a SwiftPM resource).
#
#   scripts/update-common-passwords.sh [DJANGO_VERSION]     (default: the version below)
#
# The list is not ours: it is `django/contrib/auth/common-passwords.txt.gz` from the Django wheel
# (BSD-3-Clause, Django Software Foundation; compiled by Royce Williams). The .gz, Django's
# LICENSE and a README naming the version and checksum are kept in scripts/common-passwords/.
# The list ships as a data file beside the binary, not as Swift source: 20,000 lines of string
# literal were half the source tree and compiled on every clean build. Its SHA-256 is recorded in
# CommonPasswords.swift (the server refuses to start with another file) and in the README there.
set -euo pipefail

VERSION="${1:-5.2.19}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DATA="$REPO/scripts/common-passwords"
OUT="$REPO/Sources/GatehouseCore/Resources/common-passwords.txt"
SWIFT_FILE="$REPO/Sources/GatehouseCore/Accounts/CommonPasswords.swift"
MEMBER="django/contrib/auth/common-passwords.txt.gz"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The wheel is pure Python: pretend to be a current Python so any Django version resolves.
pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 -d "$WORK" "Django==$VERSION"
WHEEL="$(ls "$WORK"/[Dd]jango-"$VERSION"-*.whl)"
python3 - "$WHEEL" "$WORK" "$MEMBER" <<'PY'
import sys, zipfile
wheel, work, member = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    open(f"{work}/common-passwords.txt.gz", "wb").write(z.read(member))
    license = next(n for n in z.namelist() if n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE"))
    open(f"{work}/LICENSE", "wb").write(z.read(license))
PY

mkdir -p "$DATA"
cp "$WORK/common-passwords.txt.gz" "$DATA/common-passwords.txt.gz"
cp "$WORK/LICENSE" "$DATA/LICENSE"
SHA="$(sha256sum "$DATA/common-passwords.txt.gz" | cut -d' ' -f1)"
COUNT="$(gzip -dc "$DATA/common-passwords.txt.gz" | grep -c .)"

# One password a line, nothing a line-based reader could misread (control characters, a carriage
# return, surrounding spaces).
if gzip -dc "$DATA/common-passwords.txt.gz" | LC_ALL=C grep -q -P '[\x00-\x08\x0b-\x1f\x7f\r]|^\s|\s$'; then
    echo "update-common-passwords: the list has a line with a control character or surrounding space; adjust this script" >&2
    exit 1
fi
mkdir -p "$(dirname "$OUT")"
gzip -dc "$DATA/common-passwords.txt.gz" > "$OUT"
TXT_SHA="$(sha256sum "$OUT" | cut -d' ' -f1)"

cat > "$DATA/README.md" <<MD
# Common passwords (from Django)

\`common-passwords.txt.gz\` is Django's list of common passwords, taken unchanged from
\`$MEMBER\` in the Django $VERSION wheel on PyPI by \`scripts/update-common-passwords.sh\`.

- source: Django $VERSION (PyPI wheel), \`$MEMBER\`
- entries: $COUNT (lower-cased and de-duplicated by Django; compiled by Royce Williams)
- sha256 of the .gz: \`$SHA\`
- sha256 of the unpacked \`common-passwords.txt\`: \`$TXT_SHA\`
- license: BSD-3-Clause, Copyright (c) Django Software Foundation and individual contributors;
  the full text is in \`LICENSE\` beside this file.

Gatehouse refuses these as passwords (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1.7). The server
does not read this folder: the script unpacks the list into
\`Sources/GatehouseCore/Resources/common-passwords.txt\`, a SwiftPM resource that the build copies
beside the binary (\`gatehouse_GatehouseCore.resources/\`), and records its SHA-256 in
\`CommonPasswords.swift\`; \`gatehouse serve\` refuses to start with any other file. To update,
run \`scripts/update-common-passwords.sh [DJANGO_VERSION]\` and commit what it changed.
MD

# The recorded source and checksum in the Swift code that checks the file at start-up.
sed -i -e "s|^\(    public static let source = \).*|\1\"Django $VERSION $MEMBER (BSD-3-Clause)\"|" \
       -e "s|^\(    public static let sha256 = \).*|\1\"$TXT_SHA\"|" "$SWIFT_FILE"
grep -q "$TXT_SHA" "$SWIFT_FILE" || { echo "update-common-passwords: could not record the checksum in $SWIFT_FILE" >&2; exit 1; }

echo "wrote $OUT ($COUNT entries from Django $VERSION, sha256 $TXT_SHA), $SWIFT_FILE and $DATA" >&2
