/// Where an import stands; reported after every batch and at the end.
package struct ImportProgress: Sendable, Hashable {
    /// Data rows read so far (the header is not counted).
    package var rowsProcessed = 0
    package var created = 0
    package var updated = 0
    package var errors = 0
    package var bytesProcessed = 0
    package var bytesTotal = 0
    /// The data rows of the file, known once the check pass has read it whole; `nil` until then. Progress is
    /// ``rowsProcessed`` (committed rows) out of this, never bytes read, which run ahead of the committed rows.
    package var rowsTotal: Int?
    /// Profiles the import created because a TYPE named none.
    package var createdProfiles: [String] = []

    package init(bytesTotal: Int = 0) {
        self.bytesTotal = bytesTotal
    }
}

/// The end of an import.
package struct ImportSummary: Sendable, Hashable {
    package var progress: ImportProgress
    /// The first error lines, as `Line N: message`, in file order.
    package var errorLines: [String]
    /// Whether the import stopped early because it was cancelled (rows before that stay committed).
    package var cancelled: Bool

    package init(progress: ImportProgress, errorLines: [String], cancelled: Bool) {
        self.progress = progress
        self.errorLines = errorLines
        self.cancelled = cancelled
    }
}

/// Why an import could not run at all. Nothing was written.
package enum ImportError: Error, Equatable, Sendable {
    case invalidMapping(ImportMappingError)
    /// The file is not valid CSV (or has a row with more cells than the mapping); line numbers are in the error.
    case brokenFile(CSVError)
    /// A row with more cells than the mapping: its record number and the physical line it starts on.
    case rowTooWide(record: Int, line: Int, cells: Int, columns: Int)
    case emptyFile
    case tooManyRows(limit: Int)
}

extension ImportError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .invalidMapping(let error): return "invalid mapping: \(error)"
        case .brokenFile(let error): return "the file is not valid CSV: \(error)"
        case .rowTooWide(let record, let line, let cells, let columns):
            return "\(CSVError.location(record, line)): the row has \(cells) cells but the mapping has \(columns) columns"
        case .emptyFile: return "the file has no rows"
        case .tooManyRows(let limit): return "the file has more than \(limit) rows"
        }
    }
}
