import HTTPTypes

/// Header names swift-http-types does not predefine.
extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
