import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The signing keys on disk: one PKCS#8 PEM per key, named `<kid>.pem`, mode 0600, in a
/// directory (`GATEHOUSE_KEYS_DIR`, default `keys/`) that every instance of a deployment
/// mounts. A file's modification time is when its key was published; `SigningKeySchedule`
/// picks the signer from those times alone, so all instances agree on it without talking to
/// each other.
public enum KeyDirectory {
    /// The environment variable that names the directory (read by the CLI's configuration).
    public static let environmentVariable = "GATEHOUSE_KEYS_DIR"
    /// The directory used when the variable is not set, relative to the working directory.
    public static let defaultPath = "keys"

    /// A key on disk and when it was published: its file's modification time.
    public struct Entry: Sendable {
        public let key: RSAKey
        public let publishedAt: Date
        public let path: String
    }

    /// Every key in `directory`, newest first. A missing or empty directory gives an empty
    /// list; a `.pem` file that does not parse is an error naming it. Two files holding the
    /// same key count once (the newer).
    public static func entries(in directory: String) throws -> [Entry] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { throw KeyDirectoryError.io("listing \(directory)", ENOTDIR) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        var found: [(entry: Entry, modified: timespec, name: String)] = []
        for name in names where name.hasSuffix(".pem") && !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                let pem = try String(contentsOfFile: path, encoding: .utf8)
                let modified = try modificationTime(of: path)
                let publishedAt = Date(timeIntervalSince1970: TimeInterval(modified.tv_sec) + TimeInterval(modified.tv_nsec) / 1e9)
                found.append((Entry(key: try RSAKey(privatePEM: pem), publishedAt: publishedAt, path: path), modified, name))
            } catch {
                throw KeyDirectoryError.unreadableKey(path: path, reason: "\(error)")
            }
        }
        found.sort { lhs, rhs in
            if lhs.modified.tv_sec != rhs.modified.tv_sec { return lhs.modified.tv_sec > rhs.modified.tv_sec }
            if lhs.modified.tv_nsec != rhs.modified.tv_nsec { return lhs.modified.tv_nsec > rhs.modified.tv_nsec }
            return lhs.name > rhs.name
        }
        var seen = Set<String>()
        return found.map(\.entry).filter { seen.insert($0.key.kid).inserted }
    }

    /// Every key in `directory`, newest first (see `entries(in:)`).
    public static func load(from directory: String) throws -> [RSAKey] {
        try entries(in: directory).map(\.key)
    }

    /// Removes the key `kid` from `directory` (under the lock). Refused for the key that signs
    /// at `now` (`SigningKeySchedule`) and for an unknown kid.
    public static func retire(kid: String, in directory: String, now: Date, publishDelay: TimeInterval) throws {
        try withExclusiveLock(in: directory) {
            let entries = try entries(in: directory)
            guard let entry = entries.first(where: { $0.key.kid == kid }) else { throw KeyDirectoryError.unknownKey(kid) }
            if SigningKeySchedule(entries: entries, publishDelay: publishDelay).signer(at: now)?.key.kid == kid {
                throw KeyDirectoryError.stillSigning(kid)
            }
            guard unlink(entry.path) == 0 else { throw KeyDirectoryError.io("removing \(entry.path)", errno) }
        }
    }

    /// Always adds a new 2048-bit key (`gatehouse keys generate`) and returns it.
    /// Runs under an exclusive lock on `<directory>/.lock`, creating the directory (0700) if needed.
    @discardableResult
    public static func generate(in directory: String) throws -> RSAKey {
        try withExclusiveLock(in: directory) {
            try writeNewKey(in: directory)
        }
    }

    /// Adds a new key that counts as published at `publishedAt` (its file's modification time):
    /// a date `publishDelay` in the past makes it sign at once — the emergency rotation after a
    /// key leaked, accepting that relying parties verify its tokens only once they refetch the JWKS.
    public static func generate(in directory: String, publishedAt: Date) throws -> RSAKey {
        try withExclusiveLock(in: directory) {
            let key = try writeNewKey(in: directory)
            let path = (directory as NSString).appendingPathComponent("\(key.kid).pem")
            try FileManager.default.setAttributes([.modificationDate: publishedAt], ofItemAtPath: path)
            return key
        }
    }

    /// Creates a key only if the directory holds none (development-mode start); returns the
    /// new key, or nil when one already existed. The check happens after taking the lock, so
    /// two processes starting together create one key, not two.
    @discardableResult
    public static func ensureKey(in directory: String) throws -> RSAKey? {
        try withExclusiveLock(in: directory) {
            guard try load(from: directory).isEmpty else { return nil }
            return try writeNewKey(in: directory)
        }
    }

    /// Writes the key to a temporary 0600 file, flushes it and renames it into place, so a
    /// reader never sees half a PEM.
    private static func writeNewKey(in directory: String) throws -> RSAKey {
        let key = try RSAKey.generate(bits: 2048)
        let pem = Array(try key.privatePEM().utf8)
        let finalPath = (directory as NSString).appendingPathComponent("\(key.kid).pem")
        let temporaryPath = (directory as NSString).appendingPathComponent(".\(key.kid).pem.tmp")
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KeyDirectoryError.io("creating \(temporaryPath)", errno) }
        var closed = false
        defer { if !closed { close(descriptor) } }
        // The umask can only remove bits, but an existing leftover file keeps its mode: set it.
        guard fchmod(descriptor, 0o600) == 0 else { throw KeyDirectoryError.io("chmod \(temporaryPath)", errno) }
        var offset = 0
        while offset < pem.count {
            let written = pem[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw KeyDirectoryError.io("writing \(temporaryPath)", errno) }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw KeyDirectoryError.io("syncing \(temporaryPath)", errno) }
        closed = true
        guard close(descriptor) == 0 else { throw KeyDirectoryError.io("closing \(temporaryPath)", errno) }
        guard rename(temporaryPath, finalPath) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw KeyDirectoryError.io("renaming to \(finalPath)", code)
        }
        // Make the rename itself durable; a failure here does not undo a written key.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return key
    }

    /// Runs `body` holding `flock(LOCK_EX)` on `<directory>/.lock`. The lock is advisory and
    /// released when the descriptor closes, including when the process dies.
    private static func withExclusiveLock<T>(in directory: String, _ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lockPath = (directory as NSString).appendingPathComponent(".lock")
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KeyDirectoryError.io("opening \(lockPath)", errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw KeyDirectoryError.io("locking \(lockPath)", errno) }
        }
        return try body()
    }

    private static func modificationTime(of path: String) throws -> timespec {
        var info = stat()
        guard stat(path, &info) == 0 else { throw KeyDirectoryError.io("stat \(path)", errno) }
        #if canImport(Darwin)
        return info.st_mtimespec
        #else
        return info.st_mtim
        #endif
    }
}

/// Why the key directory could not be read or written; the message names the file.
public enum KeyDirectoryError: Error, CustomStringConvertible {
    case unreadableKey(path: String, reason: String)
    case io(String, Int32)
    case unknownKey(String)
    case stillSigning(String)

    public var description: String {
        switch self {
        case .unreadableKey(let path, let reason): "signing key \(path) could not be loaded: \(reason)"
        case .io(let action, let code): "\(action) failed: \(String(cString: strerror(code)))"
        case .unknownKey(let kid): "no signing key \(kid) in the key directory"
        case .stillSigning(let kid): "\(kid) is the key that signs now: generate its successor and retire it after the publish delay"
        }
    }
}
