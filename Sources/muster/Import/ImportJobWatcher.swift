import Foundation

/// Follows a running import job until it ends: polls it, draws the progress bar, and turns Ctrl-C into
/// `DELETE /api/imports/{id}` (a second Ctrl-C stops waiting at once).
struct ImportJobWatcher {
    let client: ImportClient
    /// Time between two polls (the job API is polled every 250–500 ms).
    var pollInterval: Duration = .milliseconds(300)

    /// Waits for `job` to leave RUNNING.
    /// - Returns: The last state read, finished unless the user interrupted twice.
    /// - Throws: ``ImportClientError`` when a request fails.
    func wait(for job: RemoteImportJob) async throws(ImportClientError) -> RemoteImportJob {
        var job = job
        var bar = ImportProgressBar()
        let interrupt = InterruptSignal()
        defer {
            interrupt.stop()
            bar.finish()
        }
        bar.note("import job \(job.id) \(job.dryRun ? "(dry run) " : "")started; Ctrl-C cancels it")
        var cancelSent = false
        while !job.isFinished {
            bar.show(job)
            try? await Task.sleep(for: pollInterval)
            let interrupts = interrupt.received
            if interrupts >= 2 {
                bar.note(
                    "stopped waiting; the job may still be running: GET \(client.url("api/imports/\(job.id)").absoluteString)"
                )
                return job
            }
            if interrupts == 1, !cancelSent {
                bar.note(
                    "interrupted: cancelling import \(job.id) (rows already committed stay; Ctrl-C again to stop waiting)"
                )
                try await client.cancel(id: job.id)
                cancelSent = true
            }
            job = try await client.job(id: job.id)
        }
        return job
    }
}
