import Foundation
import GatehouseCore
import GatehouseTestingStack
import HummingbirdTesting
import Testing

/// Runs the built `gatehouse` binary against the test database with the test encryption key, so
/// what the operator's command stores is what the provider under test reads.
enum GatehouseBinary {
    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = TestServices.repositoryRoot.appendingPathComponent(".build/debug/gatehouse")
        process.arguments = arguments
        process.environment = [
            "GATEHOUSE_DATABASE_URL": try TestServices.variable("GATEHOUSE_TEST_DATABASE_URL"),
            "GATEHOUSE_ENCRYPTION_KEY": TestProvider.encryptionKeyBase64,
            "GATEHOUSE_AUDIT_KEY": TestProvider.auditKeyBase64,
            "GATEHOUSE_LOG_LEVEL": "error", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
        ]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                      errors: String(decoding: err, as: UTF8.self))
    }
}

@Suite("Operators' MFA commands: gatehouse user mfa totp / reset")
struct MFACLITests {
    @Test("user mfa totp --json enrols a secret the user then signs in with; user mfa reset removes every factor")
    func enrolAndReset() async throws {
        try await withProvider { provider, browser in
            let client = try await provider.makeClient()
            let user = try await provider.makeUser()
            let enrolled = try GatehouseBinary.run(["user", "mfa", "totp", "--email", user.email.uppercased(), "--json"])
            #expect(enrolled.status == 0, "\(enrolled.errors)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(enrolled.output.utf8)) as? [String: Any])
            let secretText = try #require(json["secret"] as? String)
            let secret = try #require(Base32.decode(secretText))
            #expect(secret.count == 20)
            #expect((json["otpauth_uri"] as? String)?.hasPrefix("otpauth://totp/") == true)

            let rp = TestRelyingParty(provider: provider, client: client, browser: browser)
            let request = TestRelyingParty.Request()
            let (items, _, _) = try await rp.signInWithSecondFactor(user, request) { ("totp", provider.totpCode(secret)) }
            let claims = try await rp.idTokenClaims(code: try #require(items["code"]), verifier: request.verifier)
            #expect(claims["acr"] as? String == "mfa")

            let reset = try GatehouseBinary.run(["user", "mfa", "reset", "--email", user.email])
            #expect(reset.status == 0, "\(reset.errors)")
            #expect(try await provider.factors(of: user.user.id).isEmpty)
            #expect(try await provider.recoveryCodeService.remaining(userID: user.user.id) == 0)
            let audited = try await provider.auditTypes(of: user.user.id)
            #expect(audited.first == "mfa_enrolled" && audited.last == "mfa_removed", "operator actions are audited: \(audited)")
            let fresh = TestBrowser(browser.client)
            #expect(try await fresh.signInDirectly(user.email, user.password).location == "/account", "password only again")

            let unknown = try GatehouseBinary.run(["user", "mfa", "totp", "--email", "nobody@example.test", "--json"])
            #expect(unknown.status != 0 && unknown.errors.contains("no user with email"))
        }
    }

    @Test("outside development mode the command refuses to run without GATEHOUSE_ENCRYPTION_KEY, naming it")
    func needsKey() throws {
        let process = Process()
        process.executableURL = TestServices.repositoryRoot.appendingPathComponent(".build/debug/gatehouse")
        process.arguments = ["user", "mfa", "totp", "--email", "a@example.test"]
        process.environment = ["GATEHOUSE_DATABASE_URL": try TestServices.variable("GATEHOUSE_TEST_DATABASE_URL"),
                               "GATEHOUSE_ENCRYPTION_KEY": "c2hvcnQ="]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(text.contains("GATEHOUSE_ENCRYPTION_KEY must be base64 of exactly 32 bytes, but it decodes to 5 bytes"))
    }
}
