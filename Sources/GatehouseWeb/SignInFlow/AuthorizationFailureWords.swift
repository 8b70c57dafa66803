import GatehouseCore

/// The words of the error page Gatehouse shows, instead of redirecting, when an authorization
/// request cannot be sent back to the client (RFC 6749 §4.1.2.1): what happened and what to do
/// next, for the person who followed the link. Core says why (`AuthorizationFailure.Displayed`);
/// this is the one place that says it in English.
extension AuthorizationFailure.Displayed {
    var title: String {
        switch self {
        case .missingClientID, .unknownClient, .clientNoLongerRegistered: return "Unknown application"
        case .valueTooLong, .missingRedirectURI, .unregisteredRedirectURI: return "Invalid sign-in link"
        }
    }

    var message: String {
        switch self {
        case .valueTooLong(let parameter, let limit):
            return "The application sent a sign-in request with a value that is too long (\(parameter) is over \(limit) bytes), "
                + "so it was refused (invalid_request). Go back to the application and try again."
        case .missingClientID:
            return "The sign-in link did not name an application (client_id is missing or repeated)."
        case .unknownClient:
            return "The application that sent you here is not registered with this server."
        case .missingRedirectURI:
            return "The application did not say where to return you (redirect_uri is missing or repeated)."
        case .unregisteredRedirectURI:
            return "The application asked to return you to an address it has not registered, so you were not sent there."
        case .clientNoLongerRegistered:
            return "The application is no longer registered with this server."
        }
    }
}
