/// Everything Muster stores, as one set of protocols a backend implements (`SQLiteStore`, `PostgresStore`).
///
/// # The store contract
///
/// What every method of these protocols guarantees unless its own documentation says otherwise. The conformance
/// suite (`Tests/MusterPostgresTests/Conformance`) runs the same tests through these protocols on every store.
///
/// - **Atomicity.** A method that writes is one transaction: all of it is stored or none of it. The exceptions
///   say so: ``ProvisioningStore/createProvisionedDevice(_:)`` may share a transaction with concurrent calls
///   (group commit), each in a savepoint of its own, and ``ImportStore/applyImport(_:)`` is one transaction per
///   batch with each row all or nothing.
/// - **Refusals are results, not errors.** What the data decides (a taken name, credentials id or provision key,
///   an unknown id, a profile still in use) is a result case of the method (``EntityWrite``, ``ProfileWrite``,
///   ``CredentialsWrite``, ``ProfileDeletion``, `Bool`…), and a refused call has written nothing. Each result case
///   comes from one named constraint of ``StoreConstraint``, which every store holds in its own schema, so the same
///   violation gives the same result on every store. A violation the method does not list is thrown (a bug).
/// - **Errors.** A thrown error means nothing of the call was written, with one exception a database cannot avoid:
///   when the connection to a database server is lost during the commit, the store cannot tell whether it
///   committed (it throws ``StoreFailure/io``; the write is then entirely there or entirely absent, never in
///   part). A thrown error that is ``StoreFailureReporting`` with a non-`nil` ``StoreFailureReporting/storeFailure``
///   is a condition of the database (busy, full, unreachable), which the transports answer with 503 / 507 / CoAP
///   5.03 and which retrying later may cure; any other error (an unexpected constraint, a stored value the store
///   cannot read back, an id owned by another tenant) is a bug and answers 500.
/// - **Uniqueness and concurrency.** Every invariant is held by the database's constraints and, where a rule spans
///   rows (one default profile per tenant), by the database's own locks; none by a lock in the process, so several
///   processes may share one database. Concurrent calls that race on a constraint end with exactly one winner and
///   the others' refusal results.
/// - **Tenancy.** A method that takes a `tenantId` reads and changes only that tenant's rows: another tenant's id
///   behaves as an unknown one (a save that names another tenant's id throws instead: see each method). Methods
///   keyed by an entity id alone (credentials, attributes, time series,
///   ``ProvisioningStore/markProvisioned(deviceId:at:)``) do not check the tenant: the core checks ownership before
///   it calls them. Lookups that are installation-wide by nature (a credentials id, a provision key, the audit
///   entries of every tenant) say so.
/// - **Reads** see committed data only. A page's `totalElements` and its rows are read on one snapshot, so they
///   agree; other reads of several statements say whether they share one.
/// - **Pages** follow ``PageWindow`` (the same limit, offset and prefix range on every store) and ``SearchText``
///   (the one case folding of `textSearch`). Their order is the sort property (names by their folded text, see
///   ``PageLink``) in the requested direction, then the id in the same direction, so it is total and stable;
///   `NULL` labels sort first ascending and last descending.
package typealias MusterStore = AuditStore & DeviceStore & DirectoryStore & ExportStore & HealthCheckStore & ImportJobStore
    & ImportStore & KeyValueStore & ProfileStore & ProvisioningStore
