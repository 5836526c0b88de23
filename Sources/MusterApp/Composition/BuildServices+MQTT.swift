import Configuration
import MusterCore
import MusterMQTT
import MusterPKI
import ServiceLifecycle

/// The MQTT listeners' services: plain TCP (announced as `mqtt`) and TLS (announced as `mqtts`, with the certificate
/// it serves). Without `mqtt.tlsCert`/`mqtt.tlsKey` the TLS listener uses a self-signed certificate made on first
/// start in `<data>/tls`.
func mqttServices(_ dependencies: TransportDependencies) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
    let configuration = try MQTTServerConfiguration(config: dependencies.config)
    let services = MQTTServices(
        provisioning: dependencies.provisioning, deviceAPI: dependencies.deviceAPI,
        authenticator: dependencies.authenticator, attributeChanges: dependencies.attributeChanges,
        sessions: dependencies.sessions
    )
    let listeners = dependencies.listeners
    let plain = MQTTServer(configuration: configuration, services: services, logger: dependencies.logger) { host, port in
        listeners.announce(ListenerAddress(name: "mqtt", host: host, port: port))
    }
    var result: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: plain, failureTerminationBehavior: .gracefullyShutdownGroup)]

    let tlsSettings = try MQTTTLSSettings(config: dependencies.config, dataDirectory: dependencies.dataDirectory)
    guard let tlsPort = tlsSettings.port else { return result }
    // The listener follows its files: a renewed pair (the operator's, or `muster rotate-mqtt-certificate`'s in the
    // generated directory) is served to new connections within seconds, without a restart.
    let files: @Sendable () -> (certificate: String, privateKey: String)
    let note: String
    if let given = tlsSettings.files {
        files = { (given.certificatePath, given.privateKeyPath) }
        note = "certificate \(given.certificatePath)"
    } else {
        let directory = tlsSettings.generatedDirectory
        let (generated, created) = try ServerCertificateFiles.selfSigned(in: directory)
        files = {
            let active = ServerCertificateFiles.active(in: directory)
            return (active.certificatePath, active.privateKeyPath)
        }
        note = "\(created ? "made a self-signed certificate" : "self-signed certificate") \(generated.certificatePath)"
    }
    let tls = try MQTTServerTLS(files: files, chainVerifier: X509ChainVerifier(), logger: dependencies.logger)
    var tlsConfiguration = configuration
    tlsConfiguration.port = tlsPort
    let secure = MQTTServer(configuration: tlsConfiguration, tls: tls, services: services, logger: dependencies.logger) { host, port in
        listeners.announce(ListenerAddress(name: "mqtts", host: host, port: port, note: note))
    }
    result.append(.init(service: secure, failureTerminationBehavior: .gracefullyShutdownGroup))
    return result
}

/// Where MQTT over TLS listens and which certificate it serves.
struct MQTTTLSSettings {
    /// The TLS port; `nil` when TLS is switched off (`mqtt.tlsPort` = -1).
    var port: Int?
    /// The configured certificate and key, or `nil` for the generated self-signed pair.
    var files: ServerCertificateFiles?
    /// Where the self-signed pair lives.
    var generatedDirectory: String

    /// Reads the TLS settings.
    ///
    /// ## Configuration keys
    /// - `mqtt.tlsPort` (int, optional, default: 8883; 0 picks a free port; -1 switches TLS off) (`--mqtts-port`).
    /// - `mqtt.tlsCert`, `mqtt.tlsKey` (strings, optional, both or neither): the PEM certificate chain and private key
    ///   (`--tls-cert`, `--tls-key`); without them a self-signed pair is made in `<dataDir>/tls` on first start.
    ///
    /// - Throws: ``ConfigurationError`` for a port out of range or only one of the two files.
    init(config: ConfigReader, dataDirectory: String) throws {
        let port = config.int(forKey: "mqtt.tlsPort", default: 8883)
        guard (-1...65535).contains(port) else { throw ConfigurationError.outOfRange(key: "mqtt.tlsPort", value: port, range: -1...65535) }
        self.port = port == -1 ? nil : port
        switch (config.string(forKey: "mqtt.tlsCert"), config.string(forKey: "mqtt.tlsKey")) {
        case let (certificate?, key?): files = ServerCertificateFiles(certificatePath: certificate, privateKeyPath: key)
        case (nil, nil): files = nil
        case (.some, nil): throw ConfigurationError.missing(key: "mqtt.tlsKey", because: "mqtt.tlsCert is set")
        case (nil, .some): throw ConfigurationError.missing(key: "mqtt.tlsCert", because: "mqtt.tlsKey is set")
        }
        generatedDirectory = dataDirectory + "/tls"
    }
}

extension MQTTServerConfiguration {
    /// Reads the MQTT settings.
    ///
    /// ## Configuration keys
    /// - `mqtt.host` (string, optional, default: `http.host`, else `0.0.0.0`): the bind address (both listeners).
    /// - `mqtt.port` (int, optional, default: 1883; 0 picks a free port) (`--mqtt-port`).
    /// - `mqtt.maxPacketSize` (int, optional, default: 65536): the largest packet accepted, announced in CONNACK.
    /// - `mqtt.provisionSessionTimeout` (int seconds, optional, default: 60): how long a provisioning session
    ///   stays open after its first answer.
    /// - `mqtt.provisionRequestTimeout` (int seconds, optional, default: 30): how long a provisioning session may
    ///   stay open without publishing its request.
    /// - `mqtt.maxUnauthenticatedSessions` (int, optional, default: 10000): the most connections per listener that
    ///   are not an authenticated device session (waiting for CONNECT, authenticating, provisioning); more are closed
    ///   at once.
    /// - `mqtt.maxConnections` (int, optional, default: 50000): the most connections per listener, devices included;
    ///   more are closed as soon as they are accepted (the process's open-file limit must be above it).
    /// - `mqtt.connectTimeout` (int seconds, optional, default: 10): how long a new connection may take to send
    ///   CONNECT before it is closed.
    /// - TLS keys: see ``MQTTTLSSettings``.
    ///
    /// - Throws: ``ConfigurationError`` for values out of range.
    init(config: ConfigReader) throws {
        let mqtt = config.scoped(to: "mqtt")
        let host = mqtt.string(forKey: "host") ?? config.string(forKey: "http.host", default: "0.0.0.0")
        let port = mqtt.int(forKey: "port", default: 1883)
        guard (0...65535).contains(port) else { throw ConfigurationError.outOfRange(key: "mqtt.port", value: port, range: 0...65535) }
        let maxPacketSize = mqtt.int(forKey: "maxPacketSize", default: 65_536)
        guard (128...268_435_455).contains(maxPacketSize) else {
            throw ConfigurationError.outOfRange(key: "mqtt.maxPacketSize", value: maxPacketSize, range: 128...268_435_455)
        }
        let timeout = mqtt.int(forKey: "provisionSessionTimeout", default: 60)
        guard (1...86_400).contains(timeout) else {
            throw ConfigurationError.outOfRange(key: "mqtt.provisionSessionTimeout", value: timeout, range: 1...86_400)
        }
        let requestTimeout = mqtt.int(forKey: "provisionRequestTimeout", default: 30)
        guard (1...86_400).contains(requestTimeout) else {
            throw ConfigurationError.outOfRange(key: "mqtt.provisionRequestTimeout", value: requestTimeout, range: 1...86_400)
        }
        let maxUnauthenticated = mqtt.int(forKey: "maxUnauthenticatedSessions", default: 10_000)
        guard (1...1_000_000).contains(maxUnauthenticated) else {
            throw ConfigurationError.outOfRange(key: "mqtt.maxUnauthenticatedSessions", value: maxUnauthenticated, range: 1...1_000_000)
        }
        let maxConnections = mqtt.int(forKey: "maxConnections", default: 50_000)
        guard (1...10_000_000).contains(maxConnections) else {
            throw ConfigurationError.outOfRange(key: "mqtt.maxConnections", value: maxConnections, range: 1...10_000_000)
        }
        let connectTimeout = mqtt.int(forKey: "connectTimeout", default: 10)
        guard (1...3600).contains(connectTimeout) else {
            throw ConfigurationError.outOfRange(key: "mqtt.connectTimeout", value: connectTimeout, range: 1...3600)
        }
        self.init(
            host: host, port: port, maximumPacketSize: maxPacketSize, provisionSessionTimeoutMilliseconds: Int64(timeout) * 1000,
            connectTimeoutMilliseconds: Int64(connectTimeout) * 1000,
            provisionRequestTimeoutMilliseconds: Int64(requestTimeout) * 1000, maximumUnauthenticatedSessions: maxUnauthenticated,
            maximumConnections: maxConnections
        )
    }
}
