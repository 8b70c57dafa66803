import GatehouseCore

extension EndSessionRequest {
    /// Reads an RP-initiated logout request (RP-Initiated Logout 1.0 §2) from the query (GET) or
    /// the form (POST). Nothing in it is an error: what does not verify is ignored by the policy.
    init(parameters: RequestParameters) {
        self.init(idTokenHint: parameters["id_token_hint"], postLogoutRedirectURI: parameters["post_logout_redirect_uri"],
                  state: parameters["state"], clientID: parameters["client_id"])
    }
}
