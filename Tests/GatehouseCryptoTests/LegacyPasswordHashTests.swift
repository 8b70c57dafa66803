import GatehouseCore
@testable import GatehouseCrypto
import Testing

/// Hashes from other providers verify as they are (issue 11 item 4). The vectors were made
/// offline: bcrypt with Python's `crypt` (libxcrypt) and OpenBSD's published "U*U" vector,
/// argon2 with the reference `argon2` command line tool.
@Suite struct LegacyPasswordHashTests {
    static let cheap = Argon2Parameters(memoryKiB: 256, iterations: 1, parallelism: 1)

    static let vectors: [(password: String, hash: String)] = [
        ("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
        ("correct horse", "$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq"),
        ("correct horse", "$2a$04$B6W7n4Qtpwl.MwjPWe/jv.u5YlTE.MD9oLd3.thevpXkzUPfmiBrK"),
        ("correct horse", "$2y$04$bcELE3koVsv24gC586yoGOS2TmZ0VKelm.KHatzzN2UZGEd.njrjW"),
        ("correct horse", "$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU"),
        ("correct horse", "$argon2i$v=16$m=4096,t=3,p=1$c29tZXNhbHR2YWx1ZTEy$GYJrctObmZ6hdeyd9k4GjNgQ6SaZFWX+WWQtoJEUQKA"),
        ("correct horse", "$argon2id$v=19$m=4096,t=1,p=2$c29tZXNhbHR2YWx1ZTEy$x5VF4RXUzweWwcpPhaLwftGICUcjgghWzWRy0g7gox0"),
    ]

    @Test("an imported bcrypt or argon2 hash verifies its password and refuses others", arguments: vectors)
    func vectorsVerify(vector: (password: String, hash: String)) async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        #expect(try await hasher.verify(vector.password, against: vector.hash))
        #expect(try await !hasher.verify(vector.password + "!", against: vector.hash))
        #expect(try await !hasher.verify("", against: vector.hash))
        #expect(hasher.needsRehash(vector.hash), "an imported hash is rehashed at the next sign-in")
        try await hasher.shutdown()
    }

    @Test("a bcrypt hash whose last character was changed does not verify; a NUL in the password never does")
    func bcryptTampered() async throws {
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1)
        #expect(try await !hasher.verify("U*U", against: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeX"))
        #expect(try await !hasher.verify("U*U\u{0}", against: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"))
        try await hasher.shutdown()
    }

    @Test("hashes above the caps are refused before any work, at import and at sign-in", arguments: [
        "$2b$15$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq",
        "$2b$31$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq",
        "$argon2i$v=19$m=65537,t=2,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU",
        "$argon2i$v=19$m=1024,t=11,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU",
        "$argon2i$v=19$m=1024,t=2,p=9$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU",
    ])
    func capped(hash: String) async throws {
        #expect(ImportedPasswordHash.parse(hash) == .failure(.tooCostly))
        // A pool of one thread admitting nothing more: a capped hash must not even ask for it.
        let hasher = try Argon2PasswordHasher(parameters: Self.cheap, threads: 1, maxQueued: 1)
        #expect(try await !hasher.verify("correct horse", against: hash))
        try await hasher.shutdown()
    }

    @Test("the formats read at import, and the fixed reasons for the others")
    func parsing() throws {
        #expect(try ImportedPasswordHash.parse("$2y$04$bcELE3koVsv24gC586yoGOS2TmZ0VKelm.KHatzzN2UZGEd.njrjW").get().algorithm
            == .bcrypt(cost: 4))
        if case .success(let argon) = ImportedPasswordHash.parse(Self.vectors[5].hash) {
            #expect(argon.algorithm == .argon2(variant: .argon2i, memoryKiB: 4096, iterations: 3, parallelism: 1))
        } else {
            Issue.record("argon2i v=16 did not parse")
        }
        for unknown in ["", "plaintext", "$1$abc$def", "$6$salt$hash", "$pbkdf2-sha256$29000$abc$def", "$argon2d$v=19$m=1024,t=2,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai"] {
            #expect(ImportedPasswordHash.parse(unknown) == .failure(.unknownFormat), "\(unknown)")
        }
        for malformed in ["$2b$04$short", "$2b$xx$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq",
                          "$2b$03$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6axq",
                          "$2b$04$UR0atSzuTsBsAKG.QriYGuipaXCCZO/z6mUStlq3wFTMCc5ws6ax\u{0}",
                          "$argon2i$v=19$m=1024,t=2$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU",
                          "$argon2i$v=18$m=1024,t=2,p=1$c29tZXNhbHR2YWx1ZTEy$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU",
                          "$argon2i$v=19$m=1024,t=2,p=1$$N8Rx+UX2Ai+lv3kTQ8JyAH1xoUvM1ZPgoE3iFD+38TU"] {
            #expect(ImportedPasswordHash.parse(malformed) == .failure(.malformed), "\(malformed)")
        }
        #expect(ImportedPasswordHash.Rejection.unknownFormat.text
            == "password_hash is not a bcrypt ($2a$, $2b$, $2y$) or argon2 ($argon2id$, $argon2i$) hash")
    }
}
