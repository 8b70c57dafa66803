import ArgumentParser
import GatehouseCore
import GatehouseCrypto

/// Before anything accepts a new password: the common-password list beside the binary is the one
/// the release recorded (`CommonPasswords.sha256`). A missing or altered file would otherwise let
/// every common password through without a word.
enum CommonPasswordsCheck {
    static func verify(crypto: OpenSSLCrypto = OpenSSLCrypto()) throws {
        guard let bytes = CommonPasswords.fileBytes else {
            throw ValidationError("the common-password list \(CommonPasswords.fileURL.path) is missing: deploy the "
                                  + "gatehouse_GatehouseCore.resources/ folder the build made beside the gatehouse binary with it")
        }
        let digest = crypto.sha256(bytes).map { String(format: "%02x", $0) }.joined()
        guard digest == CommonPasswords.sha256 else {
            throw ValidationError("the common-password list beside the gatehouse binary is not the one this release recorded "
                                  + "(SHA-256 \(digest), expected \(CommonPasswords.sha256)): deploy the release's "
                                  + "gatehouse_GatehouseCore.resources/ folder unchanged")
        }
    }
}
