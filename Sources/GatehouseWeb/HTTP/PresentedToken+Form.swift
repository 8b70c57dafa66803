import GatehouseCore

extension PresentedToken {
    /// Reads the body of a revocation or introspection request (RFC 7009 §2.1, RFC 7662 §2.1):
    /// repeated parameters are refused first, as at `/token`.
    init(form: RequestParameters) throws(OAuthError) {
        if let name = form.repeatedNames.first {
            throw OAuthError(.invalidRequest, .repeatedParameter(ParameterName(rawValue: name)))
        }
        guard let token = form["token"] else { throw OAuthError(.invalidRequest, .missingParameter(.token)) }
        self.init(token: token, typeHint: form["token_type_hint"])
    }
}
