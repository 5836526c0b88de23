import ServiceLifecycle

/// The CoAP listener's services (none until the CoAP transport lands).
func coapServices(_ dependencies: TransportDependencies) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
    []
}
