import Foundation
import Logging
import MusterCore
import MusterHTTP

/// The import jobs of this node: kept in the store, run here, with a heartbeat and a reaper of other nodes'
/// stopped jobs, and this node's spool directory swept of files whose job does not run here.
/// - Parameter nodeName: The name this node's jobs carry as their owner; unique among the nodes sharing the
///   database and stable across restarts of the node (its earlier jobs left running are then interrupted at once).
func importJobQueue(
    store: any MusterStore,
    importer: BulkImporter,
    clock: any WallClock,
    nodeName: String,
    importDirectory: String,
    logger: Logger
) -> ImportJobQueue {
    let spool = ImportSpool(directory: importDirectory)
    // Before any listener binds, no upload is in progress: what an earlier process left is deleted.
    spool.sweep(keeping: [], uploads: true)
    return ImportJobQueue(
        registry: ImportJobRegistry(store: store, clock: clock, nodeName: nodeName),
        importer: importer,
        logger: logger,
        sweepSpool: { running in spool.sweep(keeping: running, uploads: false) }
    )
}
