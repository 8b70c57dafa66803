/// Where an invitation's page is: `<issuer>/invitations/<token>`. The token is base64url, so it
/// stands in a path as it is. The mail, the CLI and the pages all build the link here.
public enum InvitationLink {
    public static func url(issuer: String, token: String) -> String {
        issuer + "/invitations/" + token
    }
}
