/// The audit page's one script (issue 11 item 7, the live tail): it listens to `/events` and counts
/// the `audit.appended` events (of the page's event type, when it filters by one) in a notice that
/// offers a reload; the page works without it. The CSP allows it by its SHA-256
/// (`SecurityHeadersMiddleware`), so it is written here once and copied verbatim into
/// `templates/admin_audit.mustache`; `AdminAuditTests` fails when the two differ.
enum AuditTailScript {
    static let text = #"(function () { var notice = document.getElementById("audit-live"); if (!notice || !window.EventSource) return; var type = notice.getAttribute("data-type"); var count = 0; var events = new EventSource("/events"); events.addEventListener("audit.appended", function (event) { var data = JSON.parse(event.data); if (type && data.type !== type) return; count += 1; notice.textContent = (count === 1 ? "1 new event" : count + " new events") + " since this page was loaded. Reload to see them."; notice.hidden = false; }); })();"#
}
