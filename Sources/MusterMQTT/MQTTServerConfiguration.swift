/// The MQTT listener's settings. Read from configuration by the composition root (`mqtt.*` keys).
package struct MQTTServerConfiguration: Sendable, Hashable {
    /// The address to bind.
    package var host: String
    /// The plain-TCP port (0 picks a free one).
    package var port: Int
    /// The largest packet accepted, fixed header included; announced in CONNACK (MQTT 5) and checked by the
    /// decoder before a body is buffered.
    package var maximumPacketSize: Int
    /// How long a provisioning session stays open after its first answer, in milliseconds.
    package var provisionSessionTimeoutMilliseconds: Int64
    /// How long a new connection may take to send CONNECT, in milliseconds.
    package var connectTimeoutMilliseconds: Int64
    /// How long a provisioning session may stay open before its first PUBLISH, in milliseconds.
    package var provisionRequestTimeoutMilliseconds: Int64
    /// The most connections of one listener that are not (yet) an authenticated device session: waiting for
    /// CONNECT, being authenticated, or provisioning. Connections beyond it are closed at once.
    package var maximumUnauthenticatedSessions: Int
    /// The most connections of one listener, authenticated devices included. Connections beyond it are closed as
    /// soon as they are accepted.
    package var maximumConnections: Int
    /// The Receive Maximum announced in CONNACK (MQTT 5).
    package var receiveMaximum: UInt16
    /// The Topic Alias Maximum announced in CONNACK (MQTT 5).
    package var topicAliasMaximum: UInt16
    /// How often each connection checks its deadlines (keep-alive, provisioning close), in milliseconds.
    package var timerResolutionMilliseconds: Int64

    package init(
        host: String = "0.0.0.0", port: Int = 1883, maximumPacketSize: Int = 65_536,
        provisionSessionTimeoutMilliseconds: Int64 = 60_000, connectTimeoutMilliseconds: Int64 = 10_000,
        provisionRequestTimeoutMilliseconds: Int64 = 30_000, maximumUnauthenticatedSessions: Int = 10_000,
        maximumConnections: Int = 50_000,
        receiveMaximum: UInt16 = 100, topicAliasMaximum: UInt16 = 16, timerResolutionMilliseconds: Int64 = 250
    ) {
        self.host = host
        self.port = port
        self.maximumPacketSize = maximumPacketSize
        self.provisionSessionTimeoutMilliseconds = provisionSessionTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.provisionRequestTimeoutMilliseconds = provisionRequestTimeoutMilliseconds
        self.maximumUnauthenticatedSessions = max(1, maximumUnauthenticatedSessions)
        self.maximumConnections = max(1, maximumConnections)
        self.receiveMaximum = receiveMaximum
        self.topicAliasMaximum = topicAliasMaximum
        self.timerResolutionMilliseconds = timerResolutionMilliseconds
    }
}
