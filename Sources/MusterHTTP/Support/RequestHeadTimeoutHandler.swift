import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose next request head does not arrive whole within a time (`http.headerTimeout`): from the
/// moment the connection opens, or its last response ends, until the head of the next request is read. A client
/// that trickles header bytes (a slowloris attack) keeps resetting the idle timeout, but not this one. While a
/// request is being answered (a long import, a pipelined request) no timer runs; bodies are not timed (large
/// uploads may take long), only bounded in size.
package final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    package typealias InboundIn = HTTPRequestPart
    package typealias InboundOut = HTTPRequestPart
    package typealias OutboundIn = HTTPResponsePart
    package typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    /// Request heads read minus responses ended: 0 when the connection waits for a request.
    private var outstanding = 0
    private var timer: Scheduled<Void>?

    /// - Parameter timeout: How long a request head may take to arrive.
    package init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    package func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            outstanding += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            outstanding = max(0, outstanding - 1)
            if outstanding == 0 { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
