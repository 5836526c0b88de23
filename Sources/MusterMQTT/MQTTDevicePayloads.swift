import Foundation
import MusterCore
import MusterProvisionWire

/// The JSON a device session reads and writes (ThingsBoard's `JsonMqttAdaptor` shapes).
enum MQTTDevicePayloads {
    /// `{"k":v,…}` in the order given.
    static func attributes(_ attributes: [Attribute]) -> [UInt8] {
        Array(DeviceAttributesPayload.object(attributes).utf8)
    }

    /// `{"client":{…},"shared":{…}}`, each section only when it has keys.
    static func attributesResponse(client: [Attribute], shared: [Attribute]) -> [UInt8] {
        Array(DeviceAttributesPayload.response(client: client, shared: shared).utf8)
    }

    /// The keys of an attribute request `{"clientKeys":"a,b","sharedKeys":"c"}`; an empty payload asks for all.
    /// - Returns: `nil` when the payload is not such an object.
    static func attributeKeys(_ payload: [UInt8]) -> (client: [String]?, shared: [String]?)? {
        if payload.isEmpty { return (nil, nil) }
        guard case .object(let members)? = try? JSONParser.parse(payload) else { return nil }
        func keys(_ name: String) -> [String]? {
            guard let text = members[name]?.stringValue else { return nil }
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return (keys("clientKeys"), keys("sharedKeys"))
    }

    /// The `method` of a client-side RPC request `{"method":…,"params":…}`.
    static func rpcMethod(_ payload: [UInt8]) -> String? {
        guard case .object(let members)? = try? JSONParser.parse(payload) else { return nil }
        return members["method"]?.stringValue
    }

    /// The answer to tb-mqtt-client's `getSessionLimits` RPC: no rate limits (`"0:0,"` means unlimited to it).
    static func sessionLimits(maximumPacketSize: Int, receiveMaximum: UInt16) -> [UInt8] {
        let limits = #"{"messages":"0:0,","telemetryMessages":"0:0,","telemetryDataPoints":"0:0,"}"#
        return Array("{\"maxPayloadSize\":\(maximumPacketSize),\"maxInflightMessages\":\(receiveMaximum),\"rateLimits\":\(limits)}".utf8)
    }

}
