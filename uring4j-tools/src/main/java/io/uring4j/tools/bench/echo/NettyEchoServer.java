package io.uring4j.tools.bench.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

import java.net.InetSocketAddress;

/**
 * The Netty peer of the echo benchmark: the canonical Netty echo server (write every read
 * buffer back, flush when the read batch ends) on one event loop that both accepts and serves,
 * with the io_uring or the epoll transport of Netty 4.2.
 *
 * <p>Usage: {@code NettyEchoServer io_uring|epoll PORT MAX_SECONDS}, or
 * {@code NettyEchoServer --check io_uring|epoll} to exit 0 if the transport works here (else 1
 * with the reason on stderr).
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--check")) {
            Throwable cause = args[1].equals("epoll") ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
            if (cause != null) {
                System.err.println("Netty " + args[1] + " is unavailable: " + cause);
                System.exit(1);
            }
            return;
        }
        if (args.length != 3 || !(args[0].equals("io_uring") || args[0].equals("epoll"))) {
            System.err.println("usage: NettyEchoServer io_uring|epoll PORT MAX_SECONDS | --check io_uring|epoll");
            System.exit(1);
        }
        boolean uring = args[0].equals("io_uring");
        ServerLifetime.bound(Long.parseLong(args[2]));
        IoHandlerFactory factory = uring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        Class<? extends ServerChannel> channel = uring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            ServerBootstrap b = new ServerBootstrap().group(group).channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new Echo());
            ChannelFuture bound = b.bind(new InetSocketAddress("127.0.0.1", ServerLifetime.port(args[1]))).sync();
            Channel server = bound.channel();
            System.err.println("netty " + args[0] + " echo server listening on " + server.localAddress());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
