import Foundation
import MusterCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Storing an upload in the import spool failed. A full disk (`ENOSPC`, or `EDQUOT` for a quota) is
/// ``StoreFailure/full`` (HTTP 507), any other error of the file system ``StoreFailure/io`` (HTTP 503): neither is
/// the client's fault, and the partial file is deleted.
package struct SpoolWriteError: StoreFailureReporting {
    /// What was being done (`create the spool directory`, `write the upload`).
    package let operation: String
    /// The `errno` of the failure, when the error carried one.
    package let code: Int32?

    package init(_ operation: String, code: Int32?) {
        self.operation = operation
        self.code = code
    }

    /// The `errno` inside `error`: a POSIX error, a Foundation error with an underlying POSIX error (what
    /// `FileHandle` and `FileManager` throw on Linux), or Foundation's out-of-space code.
    package init(_ operation: String, error: any Error) {
        self.init(operation, code: Self.posixCode(of: error))
    }

    package var storeFailure: StoreFailure? {
        switch code {
        case ENOSPC?, EDQUOT?: .full
        default: .io
        }
    }

    /// `import spool: could not <operation>: <strerror> (errno N)`; never a path or a byte of the upload.
    package var storeDiagnostic: String {
        guard let code else { return "import spool: could not \(operation)" }
        return "import spool: could not \(operation): \(String(cString: strerror(code))) (errno \(code))"
    }

    package static func posixCode(of error: any Error) -> Int32? {
        if let error = error as? POSIXError { return error.code.rawValue }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(truncatingIfNeeded: error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(truncatingIfNeeded: underlying.code)
        }
        if error.domain == NSCocoaErrorDomain, error.code == CocoaError.fileWriteOutOfSpace.rawValue { return ENOSPC }
        return nil
    }
}
