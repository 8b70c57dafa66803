/// The organization page's one script: it listens to `/events` and shows an invitation accepted,
/// revoked or expired in this organization as a notice, without a reload. The CSP allows it by
/// its SHA-256 (`SecurityHeadersMiddleware`), so it is written here once and copied verbatim into
/// `templates/organization.mustache` (a template value would be HTML-escaped, and a script's text
/// is not unescaped); `OrganizationPageTests` fails when the two differ.
enum LiveNoticeScript {
    static let text = #"(function () { var notice = document.getElementById("live-notice"); if (!notice || !window.EventSource) return; var organization = notice.getAttribute("data-organization"); var words = { "invitation.accepted": " accepted the invitation.", "invitation.revoked": ": the invitation was revoked.", "invitation.expired": ": the invitation expired." }; var events = new EventSource("/events"); Object.keys(words).forEach(function (type) { events.addEventListener(type, function (event) { var data = JSON.parse(event.data); if (data.organization_id !== organization) return; notice.textContent = data.email + words[type] + " Reload to see the list."; notice.hidden = false; }); }); })();"#
}
