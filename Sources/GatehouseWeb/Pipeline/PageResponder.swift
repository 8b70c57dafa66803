import GatehouseCore
import Hummingbird
import Logging

/// Turns page views and failures into HTML responses. Unexpected errors become a fixed
/// "something went wrong" page; the real error goes to the log.
struct PageResponder {
    let pages: PageRenderer
    let logger: Logger
    /// Refusal pages (429, 503) rendered once per wording, so floods are answered cheaply.
    let refusalPages = RefusalPages()

    func page(_ view: some PageView, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var response: Response
        do {
            response = Responses.html(try pages.render(view), status: status)
        } catch {
            logger.error("page failed to render", metadata: ["template": "\(type(of: view).template)", "error": "\(error)"])
            response = Responses.text("Something went wrong. Please try again.", status: .internalServerError)
        }
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A page with a form, first shown or shown again. The one convention for every page (login,
    /// registration, email verification, forgot / reset password, MFA, MFA enrolment, the
    /// account actions): a form shown again because its submission was refused (a wrong password
    /// or code, a field that breaks a rule), with the error on it, answers 400 Bad Request; a form
    /// shown for the first time, or with a notice, answers 200. 400 says "your submission was
    /// refused, here is the form again", as server-rendered frameworks answer an invalid form, and
    /// tells scripts and automated clients the truth instead of a 200 that looks like success;
    /// browsers show the page all the same. README ("Pages and status codes") says the same.
    func form(_ view: some PageView, refused: Bool, cookies: [Cookie] = []) -> Response {
        page(view, status: refused ? Self.refusedForm : .ok, cookies: cookies)
    }

    /// The status of a form shown again with the reason its submission was refused.
    static let refusedForm: HTTPResponse.Status = .badRequest

    func error(title: String, message: String, status: HTTPResponse.Status = .badRequest) -> Response {
        page(ErrorView(title: title, message: message), status: status)
    }

    /// The page for an error no branch expected.
    func failure(_ error: any Error) -> Response {
        switch error {
        case PasswordHasherError.overloaded:
            let view = ErrorView(title: "Too busy", message: "The server is busy right now. Wait a few seconds and try again.")
            var response: Response
            do {
                response = Responses.html(try refusalPages.html(key: "503") { try pages.render(view) }, status: .serviceUnavailable)
            } catch {
                response = page(view, status: .serviceUnavailable)   // logs why and answers 500
            }
            response.headers[.retryAfter] = "2"
            return response
        case let input as WebInputError:
            return self.error(title: "Invalid request", message: input.description, status: input.status)
        case let refusal as TooManyAttempts:
            let view = RateLimitedView(refusal)
            var response: Response
            do {
                response = Responses.html(try refusalPages.html(for: view) { try pages.render(view) }, status: .tooManyRequests)
            } catch {
                response = page(view, status: .tooManyRequests)   // logs why and answers 500
            }
            response.headers[.retryAfter] = String(refusal.retryAfterSeconds)
            return response
        case let full as PendingAuthorizationsFull:
            // Rather than let Redis fill up (noeviction: every write would then fail).
            logger.warning("pending authorization requests at their overall cap: new sign-ins refused")
            var response = self.error(title: "Too busy",
                                      message: "Too many sign-ins are in progress right now. Wait a minute, then go back to the application and try again.",
                                      status: .serviceUnavailable)
            response.headers[.retryAfter] = String(full.retryAfterSeconds)
            return response
        case let unavailable as ProtectionUnavailable:
            // Fail closed: without the shared counters no attempt may be checked uncounted.
            logger.error("attempt counters unavailable", metadata: ["error": "\(unavailable.underlying)"])
            var response = self.error(title: "Temporarily unavailable",
                                      message: "Signing in is unavailable for a moment. Wait a little and try again.",
                                      status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
            return response
        default:
            logger.error("page request failed", metadata: ["error": "\(String(reflecting: error))"])
            return self.error(title: "Something went wrong", message: "The server could not complete your request. Please try again.",
                              status: .internalServerError)
        }
    }

    func csrfFailure() -> Response {
        error(title: "This form has expired",
              message: "The form was not sent from this browser's current page (its security token did not match). Go back, reload the page and try again.",
              status: .forbidden)
    }
}
