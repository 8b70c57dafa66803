/// Where security events go: an append-only, tamper-evident trail (PostgreSQL, HMAC chain).
///
/// `record` does not throw: an audit write that fails is logged loudly by the implementation
/// but never turns a sign-in, a password change or a token request into an error. A flow that
/// must not proceed unaudited is not something this trail is for; the operator's alert on the
/// logged failure is.
public protocol AuditLog: Sendable {
    func record(_ event: AuditEvent) async
}
