import CCurl
import CCurlShim
import Foundation

/// One blocking SMTP transaction through libcurl's easy API. It blocks its thread for the whole
/// conversation, so only `SMTPSender` calls it, on that sender's own thread pool.
///
/// libcurl speaks SMTP, STARTTLS (CURLOPT_USE_SSL) and implicit TLS over OpenSSL, verifying
/// the server certificate and host name against the system store or `caFile`.
struct CurlSMTPTransfer {
    let location: SMTPLocation
    let caFile: String?
    let connectTimeoutSeconds: Int
    let timeoutSeconds: Int

    /// `curl_global_init` must run once before any handle exists; Swift runs a static
    /// initializer exactly once, thread-safely.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    func send(message: [UInt8], from: String, to: String) throws(MailTransportError) {
        guard Self.globalInit == CURLE_OK else {
            throw MailTransportError("libcurl could not be initialised (curl_global_init failed)", isPermanent: false)
        }
        guard let handle = curl_easy_init() else {
            throw MailTransportError("libcurl could not create a handle", isPermanent: false)
        }
        defer { curl_easy_cleanup(handle) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        guard let recipients = curl_slist_append(nil, "<\(to)>") else {
            throw MailTransportError("libcurl could not allocate the recipient list", isPermanent: false)
        }
        defer { curl_slist_free_all(recipients) }
        let source = Unmanaged.passRetained(MessageSource(message))
        defer { source.release() }

        var options = CurlOptions(handle: handle)
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        options.set(CURLOPT_URL, location.curlURL)
        options.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        options.set(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        options.set(CURLOPT_SSL_VERIFYPEER, 1)
        options.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { options.set(CURLOPT_CAINFO, caFile) }
        if let username = location.username { options.set(CURLOPT_USERNAME, username) }
        if let password = location.password { options.set(CURLOPT_PASSWORD, password) }
        options.set(CURLOPT_MAIL_FROM, "<\(from)>")
        options.setRecipients(recipients)
        options.set(CURLOPT_UPLOAD, 1)
        options.setReadCallback(source: source.toOpaque())
        options.set(CURLOPT_NOSIGNAL, 1)
        options.set(CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
        options.set(CURLOPT_TIMEOUT, timeoutSeconds)
        if let failed = options.firstFailure {
            throw MailTransportError("libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))", isPermanent: false)
        }

        let result = curl_easy_perform(handle)
        guard result != CURLE_OK else { return }
        var responseCode = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let detail = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(result)) : String(cString: errorBuffer)
        throw MailTransportError(
            "SMTP to \(location.host):\(location.port) failed: \(detail)" + (responseCode > 0 ? " (last reply \(responseCode))" : ""),
            isPermanent: Self.isPermanent(result, responseCode: responseCode))
    }

    private var useSSL: curl_usessl {
        switch location.security {
        case .startTLSIfOffered: CURLUSESSL_TRY
        case .startTLSRequired, .implicitTLS: CURLUSESSL_ALL
        }
    }

    /// A 5xx reply to MAIL FROM, RCPT TO or the message itself refuses this message for good
    /// (RFC 5321 §4.2.1). A 5xx to the login (CURLE_LOGIN_DENIED) is a setting to fix, not a
    /// property of the message, so it is retried.
    static func isPermanent(_ result: CURLcode, responseCode: Int) -> Bool {
        (500..<600).contains(responseCode) && (result == CURLE_SEND_ERROR || result == CURLE_WEIRD_SERVER_REPLY
            || result == CURLE_RECV_ERROR || result == CURLE_UPLOAD_FAILED)
    }
}

/// Collects `curl_easy_setopt` results through the typed C wrappers; the first failure wins.
private struct CurlOptions {
    let handle: UnsafeMutableRawPointer
    var firstFailure: CURLcode?

    init(handle: UnsafeMutableRawPointer) { self.handle = handle }

    private mutating func record(_ code: CURLcode) {
        if code != CURLE_OK && firstFailure == nil { firstFailure = code }
    }

    mutating func set(_ option: CURLoption, _ value: Int) { record(ccurl_setopt_long(handle, option, value)) }
    mutating func set(_ option: CURLoption, _ value: String) { record(ccurl_setopt_string(handle, option, value)) }
    mutating func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) { record(ccurl_setopt_pointer(handle, option, pointer)) }
    mutating func setRecipients(_ list: UnsafeMutablePointer<curl_slist>) { record(ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)) }

    mutating func setReadCallback(source: UnsafeMutableRawPointer) {
        record(ccurl_setopt_read_callback(handle) { buffer, size, count, userdata in
            guard let buffer, let userdata else { return 0 }
            return Unmanaged<MessageSource>.fromOpaque(userdata).takeUnretainedValue().read(into: buffer, capacity: size * count)
        })
        record(ccurl_setopt_pointer(handle, CURLOPT_READDATA, source))
    }
}

/// The message bytes libcurl pulls through the read callback, with how far it got.
private final class MessageSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        let copied = bytes.withUnsafeBufferPointer { source -> Int in
            guard let base = source.baseAddress else { return 0 }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
            return count
        }
        offset += copied
        return copied
    }
}
