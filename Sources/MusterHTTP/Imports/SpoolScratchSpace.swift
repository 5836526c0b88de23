import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MusterCore

/// Scratch files of imports in the node's spool directory: each is created and unlinked at once, so it has no name
/// while in use and its space comes back when it is closed, whatever way the process ends.
package struct SpoolScratchSpace: ImportScratchSpace {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    package func makeFile() throws -> any ImportScratchFile {
        try ScratchFile(directory: directory)
    }
}

/// What a scratch file operation failed with.
package enum ScratchFileError: Error, Hashable, CustomStringConvertible {
    case create(path: String, errno: Int32)
    case write(errno: Int32)
    case read(errno: Int32)

    package var description: String {
        switch self {
        case .create(let path, let code): return "cannot create scratch file \(path): \(String(cString: strerror(code)))"
        case .write(let code): return "cannot write scratch file: \(String(cString: strerror(code)))"
        case .read(let code): return "cannot read scratch file: \(String(cString: strerror(code)))"
        }
    }
}

private final class ScratchFile: ImportScratchFile {
    private let descriptor: Int32
    private var length = 0

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var template = Array("\(directory)/scratch-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let path = String(cString: template)
        guard descriptor >= 0 else { throw ScratchFileError.create(path: path, errno: errno) }
        unlink(path)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    func append(_ values: ArraySlice<UInt64>) throws {
        try values.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = pwrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(length + offset))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ScratchFileError.write(errno: errno)
                }
                offset += written
            }
        }
        length += values.count * MemoryLayout<UInt64>.stride
    }

    func readAll() throws -> [UInt64] {
        let count = length / MemoryLayout<UInt64>.stride
        return try [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < bytes.count {
                let read = pread(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(offset))
                if read < 0 {
                    if errno == EINTR { continue }
                    throw ScratchFileError.read(errno: errno)
                }
                guard read > 0 else { throw ScratchFileError.read(errno: EIO) }
                offset += read
            }
            initialized = count
        }
    }
}
