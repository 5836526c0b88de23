import Foundation
import Logging
import MusterCoAPCodec
import MusterCore
import MusterProvisionWire
import NIOCore

extension CoAPRouter {
    /// What a device posts.
    enum DeviceUpload {
        case telemetry
        case attributes
    }

    /// `POST /api/v1/{token}/telemetry|attributes` (spec §3.4): 2.01; 4.01 for an unknown token (checked before
    /// the body is read); 4.00 for a bad payload; 5.00 when the store fails.
    func post(_ kind: DeviceUpload, _ request: CoAPMessage, token: String, body: ByteBuffer, block1: CoAPBlockOption?)
        async -> CoAPMessage
    {
        do {
            let device = try await deviceAPI.authenticate(accessToken: token)
            let bytes = body.readableBytesView
            switch kind {
            case .telemetry: try await deviceAPI.postTelemetry(device: device, body: bytes)
            case .attributes: try await deviceAPI.postAttributes(device: device, body: bytes)
            }
            return request.makeResponse(code: .created)
        } catch let error as DeviceAPIError {
            return request.makeResponse(code: CoAPCode(error), diagnostic: Self.diagnostic(error))
        } catch {
            logger.error("CoAP device API call failed", metadata: ["error": "\(error)"])
            return request.makeResponse(code: .internalServerError)
        }
    }

    /// `GET /api/v1/{token}/attributes?clientKeys=a,b&sharedKeys=c` (spec §3.4): 2.05 with
    /// `{"client":{…},"shared":{…}}`, 4.04 when nothing matched. With Observe=0 the device is registered for
    /// its shared-attribute changes: the answer is then the current shared attributes as `{"key":value}`, the
    /// same shape as the notifications, and carries an Observe number (RFC 7641). Observe=1 deregisters.
    func readAttributes(_ request: CoAPMessage, token: String, peer: SocketAddress) async -> CoAPMessage {
        let query = request.uriQuery
        let clientKeys = Self.keys(query, "clientKeys", "client_keys")
        let sharedKeys = Self.keys(query, "sharedKeys", "shared_keys")
        let key = CoAPObserverKey(peer: peer, token: request.token)
        if request.observe == 1 { deregister(key) }
        do {
            let device = try await deviceAPI.authenticate(accessToken: token)
            if request.observe == 0 {
                return try await observe(request, device: device, token: token, sharedKeys: sharedKeys, key: key)
            }
            let (client, shared) = try await deviceAPI.attributes(
                device: device,
                clientKeys: clientKeys,
                sharedKeys: sharedKeys
            )
            guard !client.isEmpty || !shared.isEmpty else { return request.makeResponse(code: .notFound) }
            return Self.json(
                request.makeResponse(code: .content), DeviceAttributesPayload.response(client: client, shared: shared)
            )
        } catch let error as DeviceAPIError {
            return request.makeResponse(code: CoAPCode(error), diagnostic: Self.diagnostic(error))
        } catch {
            logger.error("CoAP attribute read failed", metadata: ["error": "\(error)"])
            return request.makeResponse(code: .internalServerError)
        }
    }

    /// Registers an observer and answers with the current shared attributes and an Observe number; when the
    /// registry is full the answer has no Observe option (RFC 7641 §4.1). A device revoked between the credentials
    /// check and the registration (which its revocation did not reach) is refused by checking `token` once more.
    private func observe(_ request: CoAPMessage, device: Device, token: String, sharedKeys: [String]?, key: CoAPObserverKey)
        async throws -> CoAPMessage
    {
        let current = try await deviceAPI.attributes(device: device, clientKeys: nil, sharedKeys: sharedKeys).shared
        let subscription = notifier.subscribe(key, deviceId: device.id)
        let observer = CoAPObserver(
            key: key,
            deviceId: device.id,
            sharedKeys: sharedKeys,
            subscription: subscription,
            path: request.uriPathString
        )
        let (added, replaced, sequence) = state.withObservers { registry in
            let (added, replaced) = registry.register(observer)
            return (added, replaced, registry.nextSequence())
        }
        if let replaced { notifier.unsubscribe(replaced.subscription, deviceId: replaced.deviceId) }
        var response = Self.json(request.makeResponse(code: .content), DeviceAttributesPayload.object(current))
        if added {
            response.observe = sequence
        } else {
            notifier.unsubscribe(subscription, deviceId: device.id)
        }
        if added {
            do {
                guard try await deviceAPI.authenticate(accessToken: token).id == device.id else { throw DeviceAPIError.unknownToken }
            } catch {
                deregister(key)
                throw error
            }
        }
        return response
    }

    /// Removes an observer and its hub subscription.
    func deregister(_ key: CoAPObserverKey) {
        if let removed = state.withObservers({ $0.deregister(key) }) {
            notifier.unsubscribe(removed.subscription, deviceId: removed.deviceId)
        }
    }

    /// The comma-separated keys of the first query argument present under one of `names`.
    static func keys(_ query: [String: [String]], _ names: String...) -> [String]? {
        for name in names {
            if let value = query[name]?.first {
                return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty
                }
            }
        }
        return nil
    }

    /// Puts JSON text into a response with Content-Format application/json.
    static func json(_ response: CoAPMessage, _ text: String) -> CoAPMessage {
        var response = response
        response.payload = ByteBuffer(string: text)
        response.contentFormat = .json
        return response
    }

    /// The diagnostic of a device API error.
    static func diagnostic(_ error: DeviceAPIError) -> String {
        switch error {
        case .unknownToken: ""
        case .invalidPayload(let failure): "Invalid payload: \(TelemetryService.describe(failure))"
        }
    }
}
