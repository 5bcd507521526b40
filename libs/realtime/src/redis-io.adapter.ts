import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { RedisService } from '@centralino/redis';

/** socket.io over Redis pub/sub: a broadcast reaches every console whatever instance it is connected to. */
export class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly redis: RedisService,
  ) {
    super(app);
  }

  static channelPrefix(redis: RedisService): string {
    return redis.key('socket.io');
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(
      createAdapter(this.redis.create(), this.redis.create(), {
        key: RedisIoAdapter.channelPrefix(this.redis),
      }),
    );
    return server;
  }
}
