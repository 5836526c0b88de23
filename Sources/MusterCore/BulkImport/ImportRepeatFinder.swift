/// Finds the names and credentials ids that occur more than once in a file, in memory bounded whatever the file's
/// size: the check pass gives it a 64-bit fingerprint of each; up to ``Limits/valuesInMemory`` are kept in memory,
/// beyond that they are spilled, sorted, to ``Limits/partitions`` scratch files by their top bits, and each file is
/// sorted on its own at the end.
///
/// The result, ``ImportRepeats``, holds only the fingerprints seen twice or more, so the planner tracks the first
/// line of those alone: a file without repeats costs nothing per row once checked (decision 4's duplicate errors
/// are unchanged; a 64-bit collision is negligible).
package struct ImportRepeatFinder {
    package struct Limits: Sendable, Hashable {
        /// Fingerprints kept in memory before the finder spills (8 bytes each).
        package var valuesInMemory: Int
        /// Scratch files a spill spreads over (a power of two up to 256); each is read whole at the end.
        package var partitions: Int

        package init(valuesInMemory: Int = 1 << 21, partitions: Int = 64) {
            precondition(partitions > 0 && partitions <= 256 && partitions & (partitions - 1) == 0)
            self.valuesInMemory = max(1, valuesInMemory)
            self.partitions = partitions
        }
    }

    private let limits: Limits
    private let scratch: (any ImportScratchSpace)?
    private var buffer: [UInt64] = []
    private var files: [any ImportScratchFile] = []

    /// - Parameter scratch: Where fingerprints spill; `nil` keeps them all in memory.
    package init(limits: Limits = .init(), scratch: (any ImportScratchSpace)?) {
        self.limits = limits
        self.scratch = scratch
    }

    /// Adds the fingerprints of a row's name and, when it has valid ones, its credentials.
    package mutating func add(_ identity: ImportRowPlanner.Identity) throws {
        try add(identity.nameFingerprint)
        if let credentials = identity.credentialsFingerprint { try add(credentials) }
    }

    /// Adds one fingerprint.
    package mutating func add(_ fingerprint: UInt64) throws {
        buffer.append(fingerprint)
        if buffer.count >= limits.valuesInMemory, scratch != nil { try spill() }
    }

    /// The fingerprints added more than once.
    package mutating func finish() throws -> ImportRepeats {
        var repeated: [UInt64] = []
        if files.isEmpty {
            buffer.sort()
            Self.collectRepeats(buffer, into: &repeated)
            buffer = []
        } else {
            try spill()
            for file in files {
                var values = try file.readAll()
                values.sort()
                Self.collectRepeats(values, into: &repeated)
            }
            files = []
        }
        // Partitions follow the top bits, so the partitions' repeats come out sorted already.
        return ImportRepeats(sorted: repeated)
    }

    /// Sorts the buffer and appends each partition's range to its file.
    private mutating func spill() throws {
        guard let scratch else { return }
        if files.isEmpty {
            files = try (0..<limits.partitions).map { _ in try scratch.makeFile() }
        }
        buffer.sort()
        let shift = UInt64(64 - limits.partitions.trailingZeroBitCount)
        var start = buffer.startIndex
        while start < buffer.endIndex {
            // (A shift by 64, with one partition, is 0.)
            let partition = Int(buffer[start] >> shift)
            var end = start + 1
            while end < buffer.endIndex, Int(buffer[end] >> shift) == partition { end += 1 }
            try files[partition].append(buffer[start..<end])
            start = end
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func collectRepeats(_ sorted: [UInt64], into repeated: inout [UInt64]) {
        var index = 1
        while index < sorted.count {
            if sorted[index] == sorted[index - 1], repeated.last != sorted[index] { repeated.append(sorted[index]) }
            index += 1
        }
    }
}

/// The fingerprints a file holds more than once (see ``ImportRepeatFinder``).
package struct ImportRepeats: Sendable {
    private let sorted: [UInt64]

    package init(sorted: [UInt64]) {
        self.sorted = sorted
    }

    /// No fingerprint repeats: each name and credentials id of the file is its only one.
    package static let none = ImportRepeats(sorted: [])

    package var count: Int { sorted.count }

    package func contains(_ fingerprint: UInt64) -> Bool {
        guard !sorted.isEmpty else { return false }
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < fingerprint { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == fingerprint
    }
}
