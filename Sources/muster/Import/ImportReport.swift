import Foundation

/// The summary `muster import` prints on standard output once a job has ended, and the exit status it implies.
struct ImportReport {
    let job: RemoteImportJob
    /// Where all failed rows can be downloaded (`…/api/imports/{id}/errors.csv`).
    let errorsURL: URL
    /// Where `--errors-csv` saved the failed rows, if it did.
    var errorsFile: String?

    /// Whether the command succeeds: the job is DONE and no row failed.
    var succeeded: Bool { job.status == .done && job.errors == 0 }

    /// The summary lines: counts, rate, duration, created profiles, then the error lines.
    var lines: [String] {
        var out: [String] = []
        let fmt = ImportFormatting.count
        let entities = job.entityType == "ASSET" ? "assets" : "devices"
        if job.dryRun {
            out.append(
                "dry run: would create \(fmt(job.created)), update \(fmt(job.updated)), reject \(fmt(job.errors)) "
                    + "\(entities); nothing was written")
        }
        var headline = "import \(job.id) \(job.status.rawValue)"
        if let duration = job.durationSeconds { headline += " in \(ImportFormatting.duration(duration))" }
        out.append(headline)
        if let failure = job.failure, !failure.isEmpty { out.append("  failure: \(failure)") }
        if job.status == .cancelled {
            let kept =
                job.dryRun ? "nothing was written" : "the \(fmt(job.created + job.updated)) rows written before it stay"
            out.append("  cancelled: \(kept)")
        }
        out.append("  rows:    \(fmt(job.rowsProcessed))")
        out.append("  created: \(fmt(job.created))")
        out.append("  updated: \(fmt(job.updated))")
        out.append("  failed:  \(fmt(job.errors))")
        out.append("  rate:    \(ImportFormatting.rate(job.rowsPerSecond)) rows/s")
        if !job.createdProfiles.isEmpty {
            let kind = job.dryRun ? "profiles that would be created" : "created profiles"
            out.append("  \(kind): " + job.createdProfiles.joined(separator: ", "))
        }
        guard job.errors > 0 || !job.errorLines.isEmpty else { return out }
        out.append("failed rows:")
        out.append(contentsOf: job.errorLines.map { "  " + $0 })
        let more = job.errors - job.errorLines.count
        if more > 0 {
            out.append("  … and \(fmt(more)) more")
        }
        if let errorsFile {
            out.append(
                "all failed rows were saved to \(errorsFile), each with its reason in a last 'error' column: "
                    + "fix them, drop that column, and import the file again")
        } else {
            out.append(
                "all failed rows, as a CSV to fix and re-import (with a last 'error' column giving the reason): "
                    + "GET \(errorsURL.absoluteString) (or run again with --errors-csv PATH)")
        }
        return out
    }
}
