import Configuration
import MusterCoAP
import ServiceLifecycle

/// The CoAP listener's service, built from the transport dependencies.
///
/// Configuration keys under `coap.` (`MUSTER_COAP_*`):
/// - `port` (int, default 5683; 0 picks a free port; `muster serve --coap-port`)
/// - `host` (string, default: `http.host`, else `0.0.0.0`)
/// - `maxDatagramSize` (int, default 1152), `exchangeCacheSize` (per peer, default 256), `maxPeers` (default
///   10000), `exchangeLifetimeSeconds` (default 247), `maxObservers` (default 10000), `maxBodySize` (Block1,
///   default 65536), `maxConcurrentRequests` (default 1024), `peerRequestsPerSecond` (new requests per client
///   endpoint per second, default 200, 0 = no limit), `confirmableNotifications` (bool, default true).
func coapServices(_ dependencies: TransportDependencies) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
    let config = dependencies.config.scoped(to: "coap")
    let defaults = CoAPServerConfiguration()
    let configuration = CoAPServerConfiguration(
        host: config.string(forKey: "host") ?? dependencies.config.string(forKey: "http.host", default: "0.0.0.0"),
        port: config.int(forKey: "port", default: defaults.port),
        maxDatagramSize: config.int(forKey: "maxDatagramSize", default: defaults.maxDatagramSize),
        exchangeCacheSize: config.int(forKey: "exchangeCacheSize", default: defaults.exchangeCacheSize),
        maxPeers: config.int(forKey: "maxPeers", default: defaults.maxPeers),
        exchangeLifetimeMilliseconds: Int64(config.int(forKey: "exchangeLifetimeSeconds", default: 247)) * 1000,
        maxObservers: config.int(forKey: "maxObservers", default: defaults.maxObservers),
        maxBodySize: config.int(forKey: "maxBodySize", default: defaults.maxBodySize),
        maxConcurrentRequests: config.int(forKey: "maxConcurrentRequests", default: defaults.maxConcurrentRequests),
        peerRequestsPerSecond: config.int(forKey: "peerRequestsPerSecond", default: defaults.peerRequestsPerSecond),
        confirmableNotifications: config.bool(forKey: "confirmableNotifications", default: true)
    )
    let notifier = CoAPNotifier(hub: dependencies.attributeChanges, sessions: dependencies.sessions)
    let router = CoAPRouter(
        configuration: configuration,
        provisioning: dependencies.provisioning,
        deviceAPI: dependencies.deviceAPI,
        notifier: notifier,
        logger: dependencies.logger
    )
    let listeners = dependencies.listeners
    let service = CoAPService(
        configuration: configuration,
        router: router,
        notifier: notifier,
        logger: dependencies.logger
    ) { host, port in
        listeners.announce(ListenerAddress(name: "coap", host: host, port: port))
    }
    return [.init(service: service, failureTerminationBehavior: .gracefullyShutdownGroup)]
}
