#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// The fuzz target named by `MUSTER_FUZZ_TARGET`.
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["MUSTER_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(
            Data("set MUSTER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

#if FUZZING
    // Built by scripts/fuzz.sh with -sanitize=fuzzer: SwiftPM calls the executable's entry point `muster_fuzz_main`,
    // and libFuzzer's driver runs from it.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("muster_fuzz_main")
    func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        _ = target
        var count = argc
        var vector = argv
        return LLVMFuzzerRunDriver(&count, &vector) { data, size in
            target.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
            return 0
        }
    }
#else
    /// Without the fuzzer: runs the target over every file given (a corpus, or a finding to reproduce), so that the
    /// regression inputs in `fuzz/corpus/` run in every build.
    @main
    struct FuzzReplay {
        static func main() throws {
            var runs = 0
            for path in CommandLine.arguments.dropFirst() {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
                let files = isDirectory.boolValue
                    ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 } : [path]
                for file in files {
                    let data = try Data(contentsOf: URL(fileURLWithPath: file))
                    data.withUnsafeBytes { raw in target.run(raw.bindMemory(to: UInt8.self)) }
                    runs += 1
                }
            }
            print("\(target.rawValue): \(runs) inputs replayed")
        }
    }
#endif
