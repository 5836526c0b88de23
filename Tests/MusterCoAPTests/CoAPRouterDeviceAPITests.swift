import Foundation
import MusterCoAP
import MusterCoAPCodec
import MusterCore
import MusterTestSupport
import NIOCore
import Testing

@Suite("CoAP router: device API and Observe")
struct CoAPRouterDeviceAPITests {
    /// Provisions a device through the router and returns its access token and id.
    static func provision(_ harness: RouterHarness, name: String) async throws -> (token: String, id: UUID) {
        _ = try await harness.fixture.makeProfile(.allowCreateNewDevices, key: "dk-\(name)", secret: "ds")
        let body = RouterHarness.provisionJSON(name: name, key: "dk-\(name)", secret: "ds")
        let reply = try #require(
            try await harness.send(RouterHarness.request(.post, "api/v1/provision", payload: body))
        )
        let token = try #require(try reply.json()["credentialsValue"]?.stringValue)
        let device = try #require(try await harness.fixture.store.device(credentialsId: token)?.0)
        return (token, device.id)
    }

    @Test("Telemetry and attributes are 2.01; an unknown token 4.01; a bad payload 4.00; GET on telemetry 4.00")
    func posts() async throws {
        let harness = try await RouterHarness.make()
        let (token, _) = try await Self.provision(harness, name: "tele")
        let telemetry = RouterHarness.request(.post, "api/v1/\(token)/telemetry", payload: #"{"temperature":21.5}"#)
        #expect(try await harness.send(telemetry)?.code == .created)
        let attributes = RouterHarness.request(.post, "api/v1/\(token)/attributes", payload: #"{"fw":"1.0"}"#)
        #expect(try await harness.send(attributes)?.code == .created)
        let unknown = RouterHarness.request(.post, "api/v1/nope/telemetry", payload: #"{"a":1}"#)
        #expect(try await harness.send(unknown)?.code == .unauthorized)
        let bad = RouterHarness.request(.post, "api/v1/\(token)/telemetry", payload: "not json")
        #expect(try await harness.send(bad)?.code == .badRequest)
        #expect(try await harness.send(RouterHarness.request(.get, "api/v1/\(token)/telemetry"))?.code == .badRequest)
    }

    @Test("GET attributes answers 2.05 with client and shared sections, 4.04 when nothing matched")
    func readAttributes() async throws {
        let harness = try await RouterHarness.make()
        let (token, id) = try await Self.provision(harness, name: "attrs")
        _ = try await harness.send(
            RouterHarness.request(.post, "api/v1/\(token)/attributes", payload: #"{"fw":"1.0"}"#)
        )
        try await harness.telemetry.saveAttributes(
            .device,
            id: id,
            scope: .shared,
            body: Array(#"{"mode":"eco"}"#.utf8),
            tenantId: harness.fixture.tenant.id
        )
        let get = RouterHarness.request(
            .get,
            "api/v1/\(token)/attributes",
            query: ["clientKeys=fw", "sharedKeys=mode"]
        )
        let reply = try #require(try await harness.send(get))
        #expect(reply.code == .content && reply.contentFormat == .json)
        #expect(
            try reply.json()
                == .object(["client": .object(["fw": .string("1.0")]), "shared": .object(["mode": .string("eco")])])
        )
        let none = RouterHarness.request(.get, "api/v1/\(token)/attributes", query: ["clientKeys=missing"])
        #expect(try await harness.send(none)?.code == .notFound)
    }

    @Test("Observe: registration answers with an Observe number, a shared change notifies, a Reset deregisters")
    func observe() async throws {
        let harness = try await RouterHarness.make()
        let (token, id) = try await Self.provision(harness, name: "obs")
        var register = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [9, 9])
        register.observe = 0
        let first = try #require(try await harness.send(register))
        #expect(first.code == .content)
        let initial = try #require(first.observe)

        // When an admin changes a shared attribute
        try await harness.telemetry.saveAttributes(
            .device,
            id: id,
            scope: .shared,
            body: Array(#"{"target":5}"#.utf8),
            tenantId: harness.fixture.tenant.id
        )
        // Then a notification is built for the observer with a larger Observe number and the change
        var iterator = harness.notifier.notifications.makeAsyncIterator()
        let change = try #require(await iterator.next())
        let envelope = try #require(harness.router.datagram(for: change))
        var bytes = envelope.envelope.data
        let notification = try CoAPMessage.decode(from: &bytes)
        #expect(notification.type == .confirmable && notification.token == CoAPToken(bytes: [9, 9]))
        #expect(try #require(notification.observe) > initial)
        #expect(try notification.json() == .object(["target": .number("5")]))

        // When the client answers the notification with a Reset, it is deregistered
        let reset = CoAPMessage(type: .reset, code: .empty, messageID: notification.messageID)
        #expect(try await harness.send(reset) == nil)
        #expect(harness.router.datagram(for: change) == nil)
    }

    @Test("Observe=1 with the registration's token deregisters (libcoap)")
    func deregisterWithGet() async throws {
        let harness = try await RouterHarness.make()
        let (token, _) = try await Self.provision(harness, name: "obs1")
        var register = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [7])
        register.observe = 0
        _ = try await harness.send(register)
        var stop = RouterHarness.request(.get, "api/v1/\(token)/attributes", token: [7])
        stop.observe = 1
        let reply = try #require(try await harness.send(stop))
        #expect(reply.observe == nil)
        let key = CoAPObserverKey(peer: harness.peer, token: CoAPToken(bytes: [7])!)
        #expect(harness.router.datagram(for: CoAPNotification(key: key, attributes: [])) == nil)
    }
}
