/// The job page's one script (issue 11 item 4): it listens to `/events` and moves the page's
/// `<progress>` and counts with each `bulk.progress` of its job, and shows the "finished" notice
/// at `bulk.finished`. It writes text only (never markup). Without it the page shows the counts
/// as they were when it was loaded, and a reload shows newer ones. The CSP allows it by its
/// SHA-256 (`SecurityHeadersMiddleware`), so it is written here once and copied verbatim into
/// `templates/admin_job.mustache`; `AdminJobPagesTests` fails when the two differ.
enum JobProgressScript {
    static let text = #"(function () { var bar = document.getElementById("job-progress"); if (!bar || !window.EventSource) return; var id = bar.getAttribute("data-job"); var events = new EventSource("/events"); function show(event) { var data = JSON.parse(event.data); if (data.job_id !== id) return; bar.max = Number(data.total); bar.value = Number(data.done) + Number(data.skipped) + Number(data.failed); var counts = document.getElementById("job-counts"); if (counts) counts.textContent = data.done + " done, " + data.skipped + " skipped, " + data.failed + " failed of " + data.total; if (event.type === "bulk.finished") { events.close(); var notice = document.getElementById("job-finished"); if (notice) notice.hidden = false; } } events.addEventListener("bulk.progress", show); events.addEventListener("bulk.finished", show); })();"#
}
