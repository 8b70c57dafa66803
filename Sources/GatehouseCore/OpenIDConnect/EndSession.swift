import Foundation

/// A `post_logout_redirect_uri` that the client named by a valid `id_token_hint` registered,
/// matched exactly. Only `EndSessionPolicy` makes one, so the logout endpoint cannot redirect
/// a browser anywhere unchecked (RP-Initiated Logout 1.0 §3).
public struct VerifiedPostLogoutRedirect: Sendable, Equatable {
    public let uri: String
    fileprivate init(uri: String) { self.uri = uri }
}

/// An RP-initiated logout request (RP-Initiated Logout 1.0 §2), read once by the web layer from
/// the query (GET) or the form (POST).
public struct EndSessionRequest: Sendable, Equatable {
    public var idTokenHint: String?
    public var postLogoutRedirectURI: String?
    public var state: String?
    public var clientID: String?

    public init(idTokenHint: String? = nil, postLogoutRedirectURI: String? = nil, state: String? = nil, clientID: String? = nil) {
        self.idTokenHint = idTokenHint
        self.postLogoutRedirectURI = postLogoutRedirectURI
        self.state = state
        self.clientID = clientID
    }
}

/// What the logout endpoint knows about the browser.
public enum EndSessionBrowser: Sendable {
    case signedIn(BrowserSession)
    case signedOut
    /// A POST that came without our cookies: a cross-site form post never carries the SameSite=Lax
    /// session cookie, so a session may exist that we cannot see (DESIGN.md: "no session").
    case unknown
}

/// What to do with a logout request.
public enum EndSessionOutcome: Sendable, Equatable {
    /// Ask the person first ("Sign out of Gatehouse?"), with a CSRF-protected form.
    case confirm
    /// End the browser's session (if any), then go back to the client, or show "signed out"
    /// when there is no verified place to go back to. `clientID` is the hint's audience.
    case signOut(redirect: VerifiedPostLogoutRedirect?, state: String?, clientID: String?)
}

/// Decides RP-initiated logout (RP-Initiated Logout 1.0 §2–§3).
///
/// Without confirmation, a session ends only for a valid `id_token_hint` (our signature and
/// issuer; expiry does not matter, §2) about the very user signed in here: anyone can make a
/// browser open `/logout`, and a hint for another account must not sign this one out. In every
/// other case the person confirms first. A redirect happens only to a URI registered, exactly,
/// by the client the hint was issued to (`aud`); a `client_id` that contradicts the hint voids
/// the hint (§2: the OP "MUST verify" they match). Without a valid hint nothing is redirected,
/// even after confirmation, so `/logout` is no open redirector.
public struct EndSessionPolicy: Sendable {
    let hints: IDTokenHintReader
    let clients: any ClientStore

    public init(hints: IDTokenHintReader, clients: any ClientStore) {
        self.hints = hints
        self.clients = clients
    }

    public func evaluate(_ request: EndSessionRequest, browser: EndSessionBrowser, confirmed: Bool) async throws -> EndSessionOutcome {
        guard let hint = request.idTokenHint.flatMap(hints.claims(of:)),
              request.clientID == nil || request.clientID == hint.aud else {
            return confirmed ? .signOut(redirect: nil, state: nil, clientID: nil) : .confirm
        }
        let redirect = try await verifiedRedirect(request.postLogoutRedirectURI, clientID: hint.aud)
        let outcome = EndSessionOutcome.signOut(redirect: redirect, state: redirect == nil ? nil : request.state, clientID: hint.aud)
        if confirmed { return outcome }
        switch browser {
        case .signedIn(let session) where session.userID.uuidString.lowercased() == hint.sub:
            return outcome
        case .signedOut:
            return outcome
        case .signedIn, .unknown:
            return .confirm
        }
    }

    func verifiedRedirect(_ uri: String?, clientID: String) async throws -> VerifiedPostLogoutRedirect? {
        guard let uri, let client = try await clients.find(id: clientID), client.postLogoutRedirectURIs.contains(uri) else {
            return nil
        }
        return VerifiedPostLogoutRedirect(uri: uri)
    }
}
