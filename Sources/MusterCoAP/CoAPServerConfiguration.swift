/// Settings of the CoAP listener and the limits that bound its memory.
///
/// Read from configuration by the composition root (keys under `coap.`: `host`, `port`, `maxDatagramSize`,
/// `exchangeCacheSize`, `maxPeers`, `exchangeLifetimeSeconds`, `maxObservers`, `maxBodySize`,
/// `maxConcurrentRequests`, `peerRequestsPerSecond`, `confirmableNotifications`).
package struct CoAPServerConfiguration: Sendable, Hashable {
    /// The bind address.
    package var host: String
    /// The UDP port; 0 picks a free one.
    package var port: Int
    /// The largest datagram accepted (RFC 7252 §4.6: 1152).
    package var maxDatagramSize: Int
    /// How many recent exchanges are remembered per peer for deduplication.
    package var exchangeCacheSize: Int
    /// How many peers the exchange cache holds at once (the least recently seen is forgotten first).
    package var maxPeers: Int
    /// How long an exchange is remembered, in milliseconds (RFC 7252 EXCHANGE_LIFETIME, 247 s).
    package var exchangeLifetimeMilliseconds: Int64
    /// The most Observe registrations kept at once.
    package var maxObservers: Int
    /// The largest request body reassembled from Block1 blocks.
    package var maxBodySize: Int
    /// The most Block1 transfers in progress at once.
    package var maxBlockTransfers: Int
    /// The most datagrams handled concurrently; more are dropped (the client retransmits).
    package var maxConcurrentRequests: Int
    /// The most new requests one endpoint (address and port) may make per second; more are answered 4.29 Too Many
    /// Requests with Max-Age. 0 = no limit.
    package var peerRequestsPerSecond: Int
    /// Whether notifications are sent confirmable (the default) or non-confirmable.
    package var confirmableNotifications: Bool

    /// Creates a configuration; every limit has the RFC's or a conservative default.
    package init(
        host: String = "0.0.0.0",
        port: Int = 5683,
        maxDatagramSize: Int = 1152,
        exchangeCacheSize: Int = 256,
        maxPeers: Int = 10_000,
        exchangeLifetimeMilliseconds: Int64 = 247_000,
        maxObservers: Int = 10_000,
        maxBodySize: Int = 64 * 1024,
        maxBlockTransfers: Int = 256,
        maxConcurrentRequests: Int = 1024,
        peerRequestsPerSecond: Int = 200,
        confirmableNotifications: Bool = true
    ) {
        self.host = host
        self.port = port
        self.maxDatagramSize = maxDatagramSize
        self.exchangeCacheSize = max(1, exchangeCacheSize)
        self.maxPeers = max(1, maxPeers)
        self.exchangeLifetimeMilliseconds = exchangeLifetimeMilliseconds
        self.maxObservers = max(0, maxObservers)
        self.maxBodySize = maxBodySize
        self.maxBlockTransfers = max(1, maxBlockTransfers)
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.peerRequestsPerSecond = max(0, peerRequestsPerSecond)
        self.confirmableNotifications = confirmableNotifications
    }
}
