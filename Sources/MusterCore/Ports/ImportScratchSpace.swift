/// Where an import keeps what grows with the file and need not stay in memory: the fingerprints of its names and
/// credentials, written once and read back once by the check pass (see ``ImportRepeatFinder``).
package protocol ImportScratchSpace: Sendable {
    /// A new, empty scratch file; it disappears when the value is released (and with the process).
    func makeFile() throws -> any ImportScratchFile
}

/// One scratch file of 64-bit values, used by one task.
package protocol ImportScratchFile: AnyObject {
    /// Appends `values` at the end of the file.
    func append(_ values: ArraySlice<UInt64>) throws
    /// Every value written so far, in the order written.
    func readAll() throws -> [UInt64]
}
