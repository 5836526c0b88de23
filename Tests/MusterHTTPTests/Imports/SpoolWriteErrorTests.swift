import Foundation
import HTTPTypes
import MusterCore
import MusterHTTP
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A full disk under the import spool answers 507 like a full database; any other write failure 503.
@Suite struct SpoolWriteErrorTests {
    @Test func aWriteToAFullDeviceIsFullAnd507() throws {
        // /dev/full refuses every write with ENOSPC: the error FileHandle really throws on a full disk.
        let handle = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? handle.close() }
        let thrown = #expect(throws: (any Error).self) { try handle.write(contentsOf: Data(repeating: 0x41, count: 4096)) }
        let error = SpoolWriteError("write the upload", error: try #require(thrown))
        #expect(error.code == ENOSPC)
        #expect(error.storeFailure == .full)
        #expect(error.storeDiagnostic.contains("write the upload"))
        let answer = ThingsBoardError(error)
        #expect(answer.status.code == 507)
        #expect(answer.message.contains("disk is full"))
    }

    @Test func aQuotaIsFullAndOtherErrorsAreIO() {
        #expect(SpoolWriteError("write the upload", code: EDQUOT).storeFailure == .full)
        #expect(SpoolWriteError("write the upload", code: EIO).storeFailure == .io)
        #expect(SpoolWriteError("write the upload", code: nil).storeFailure == .io)
        #expect(ThingsBoardError(SpoolWriteError("write the upload", code: EIO)).status.code == 503)
    }

    @Test func theErrnoIsFoundInFoundationErrors() {
        let underlying = NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))
        let cocoa = NSError(domain: NSCocoaErrorDomain, code: CocoaError.fileWriteUnknown.rawValue, userInfo: [NSUnderlyingErrorKey: underlying])
        #expect(SpoolWriteError.posixCode(of: cocoa) == ENOSPC)
        #expect(SpoolWriteError.posixCode(of: CocoaError(.fileWriteOutOfSpace)) == ENOSPC)
        #expect(SpoolWriteError.posixCode(of: POSIXError(.EIO)) == EIO)
    }
}
