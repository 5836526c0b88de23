import ServiceLifecycle

/// The MQTT listeners' services (none until the MQTT transport lands).
func mqttServices(_ dependencies: TransportDependencies) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
    []
}
