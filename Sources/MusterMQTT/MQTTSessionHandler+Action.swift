import Foundation
import MusterCore
import MusterMQTTCodec

extension MQTTSessionHandler {
    /// What the session handler must do, in order, after an event given to the ``StateMachine``.
    enum Action: Equatable, Sendable {
        /// Write a packet.
        case send(MQTTPacket)
        /// Close the connection (after the packets before it are written).
        case close
        /// Ask the core whether the peer is cooling off, then call ``StateMachine/provisionSourceChecked(refused:)``.
        case checkProvisionSource
        /// Authenticate a device, then call ``StateMachine/authenticated()`` or ``StateMachine/authenticationFailed(_:)``.
        case authenticate(MQTTConnectCredentials)
        /// Authenticate a device by its TLS client certificate chain (provisioning it through an X.509 chain profile
        /// when the leaf is unknown), then call ``StateMachine/authenticated()`` or
        /// ``StateMachine/authenticationFailed(_:)``.
        case authenticateCertificates([ClientCertificate])
        /// Run a provisioning attempt on the payload of a `/provision/request` PUBLISH (the core decodes it, records
        /// a malformed one and provisions, in its one order), then call
        /// ``StateMachine/provisionAttempted(_:packetIdentifier:)``.
        case provision(payload: [UInt8], packetIdentifier: UInt16?)
        /// Store telemetry, then call ``StateMachine/devicePublishCompleted(packetIdentifier:_:)``.
        case postTelemetry(payload: [UInt8], packetIdentifier: UInt16?)
        /// Store client attributes, then call ``StateMachine/devicePublishCompleted(packetIdentifier:_:)``.
        case postAttributes(payload: [UInt8], packetIdentifier: UInt16?)
        /// Read attributes, then call ``StateMachine/attributesRead(requestId:client:shared:)``.
        case readAttributes(requestId: String, clientKeys: [String]?, sharedKeys: [String]?)
    }

    /// How a device PUBLISH ended in the core.
    enum DevicePublishOutcome: Equatable, Sendable {
        case stored
        case invalidPayload
        case serverError
    }
}
