import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenClaims, AuthService } from '@centralino/auth';
import { OperatorChatService } from '@centralino/chat';
import { ContactRepository } from '@centralino/persistence';
import {
  ConsoleViewService,
  ContactActionsService,
  OfferService,
  OperatorPresenceService,
  toOfferPayload,
} from '@centralino/routing';
import { OperatorRepository } from '@centralino/persistence';
import { MetricsService } from '@centralino/observability';
import {
  Ack,
  OperatorClientEvent,
  OperatorClientPayload,
  OfferPayload,
  operatorClientSchemas,
  OperatorServerEvents,
  OPERATORS_NAMESPACE,
  operatorRoom,
} from './operator-events.contract';
import { answer } from './socket-ack';

type Listeners<T> = { [K in keyof T]: (payload: T[K]) => void };
type OperatorSocket = Socket<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- client events are validated by zod, not typed by socket.io
  Record<string, any>,
  Listeners<OperatorServerEvents>,
  Record<string, never>,
  { claims: AccessTokenClaims }
>;

/**
 * The operator console's socket.io endpoint. The JWT is checked in the handshake (a socket without a
 * valid token never connects); each console joins only its own operator's room.
 */
@WebSocketGateway({ namespace: OPERATORS_NAMESPACE, cors: { origin: true } })
export class OperatorGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(OperatorGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly presence: OperatorPresenceService,
    private readonly offerService: OfferService,
    private readonly contacts: ContactRepository,
    private readonly operators: OperatorRepository,
    private readonly metrics: MetricsService,
    private readonly chats: OperatorChatService,
    private readonly views: ConsoleViewService,
    private readonly actions: ContactActionsService,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const header = socket.handshake.headers.authorization;
      const token = (socket.handshake.auth?.token as string | undefined) ?? header?.replace(/^Bearer /i, '');
      this.auth
        .verify(token)
        .then((claims) => {
          socket.data.claims = claims;
          next();
        })
        .catch((error: Error) => next(new Error(error.message)));
    });
  }

  async handleConnection(socket: OperatorSocket): Promise<void> {
    const { sub: operatorId } = socket.data.claims;
    this.metrics.socketOpened(OPERATORS_NAMESPACE);
    await socket.join(operatorRoom(operatorId));
    await this.presence.consoleConnected(operatorId);
    const snapshot = await this.snapshot(operatorId);
    socket.emit('snapshot', snapshot);
  }

  async handleDisconnect(socket: OperatorSocket): Promise<void> {
    const claims = socket.data.claims;
    if (claims) this.metrics.socketClosed(OPERATORS_NAMESPACE);
    if (claims) await this.presence.consoleDisconnected(claims.sub);
  }

  /** Everything a (re)connecting console must show, so nothing is missed after a blip or a reload. */
  private async snapshot(operatorId: string): Promise<OperatorServerEvents['snapshot']> {
    // One read of the live state: the state shown, the pending offer and the current contact agree.
    const [operator, live] = await Promise.all([
      this.operators.findById(operatorId),
      this.presence.live(operatorId),
    ]);
    const state = { state: live.state, since: live.since, reason: live.reason };
    const offers: OfferPayload[] = [];
    for (const pending of await this.offerService.pendingOf(operatorId)) {
      const contact = await this.contacts.findById(pending.contactId);
      if (contact) offers.push(toOfferPayload(pending, contact));
    }
    // `offer` is the call's when one rings, else the first chat's (pages that show one offer).
    const offer = offers.find((item) => item.channel === 'voice') ?? offers[0] ?? null;
    const contacts = await this.views.connected(operatorId);
    const wrapUp =
      live.state === 'wrap_up' && live.contactId
        ? { contactId: live.contactId, endsAt: live.since + this.views.wrapUpSeconds * 1000 }
        : null;
    return {
      operator: {
        id: operatorId,
        username: operator?.username ?? '',
        displayName: operator?.displayName ?? '',
      },
      state,
      offer,
      offers,
      contact: contacts[0] ?? null,
      contacts,
      wrapUp,
      options: this.views.consoleOptions(),
    };
  }

  @SubscribeMessage('state.set')
  setState(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('state.set', body, ({ state, reason }) =>
      this.presence.setState(socket.data.claims.sub, state, reason),
    );
  }

  @SubscribeMessage('offer.accept')
  accept(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('offer.accept', body, ({ offerId }) =>
      this.offerService.accept(socket.data.claims.sub, offerId),
    );
  }

  @SubscribeMessage('offer.reject')
  reject(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('offer.reject', body, async ({ offerId }) => {
      await this.offerService.reject(socket.data.claims.sub, offerId);
      return { offerId };
    });
  }

  @SubscribeMessage('chat.transcript')
  chatTranscript(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('chat.transcript', body, ({ contactId }) =>
      this.chats.transcript(socket.data.claims.sub, contactId),
    );
  }

  @SubscribeMessage('chat.send')
  chatSend(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('chat.send', body, (input) => this.chats.send(socket.data.claims.sub, input));
  }

  @SubscribeMessage('chat.typing')
  chatTyping(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('chat.typing', body, ({ contactId, typing }) =>
      this.chats.typing(socket.data.claims.sub, contactId, typing),
    );
  }

  @SubscribeMessage('chat.read')
  chatRead(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('chat.read', body, ({ contactId, upTo }) =>
      this.chats.read(socket.data.claims.sub, contactId, upTo),
    );
  }

  @SubscribeMessage('chat.close')
  chatClose(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('chat.close', body, ({ contactId }) =>
      this.chats.close(socket.data.claims.sub, contactId),
    );
  }

  @SubscribeMessage('contact.note')
  note(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.note', body, (input) => this.actions.note(socket.data.claims.sub, input));
  }

  @SubscribeMessage('contact.complete')
  complete(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.complete', body, async (input) => {
      const operatorId = socket.data.claims.sub;
      const contact = await this.contacts.findById(input.contactId);
      // A chat is closed by the chat service (the customer is told); the disposition is recorded after.
      if (contact?.channel === 'chat' && contact.state === 'connected' && contact.operatorId === operatorId) {
        await this.chats.close(operatorId, contact.id);
        return this.actions.complete(operatorId, input);
      }
      // Not read twice: the completion starts from this read.
      return this.actions.complete(operatorId, input, contact ?? undefined);
    });
  }

  @SubscribeMessage('contact.transfer')
  transfer(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.transfer', body, (input) =>
      this.actions.transfer(socket.data.claims.sub, input),
    );
  }

  @SubscribeMessage('contact.take-message')
  takeMessage(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('contact.take-message', body, (input) =>
      this.actions.takeMessage(socket.data.claims.sub, input),
    );
  }

  @SubscribeMessage('transfer.operators')
  transferOperators(@ConnectedSocket() socket: OperatorSocket, @MessageBody() body: unknown) {
    return this.handle('transfer.operators', body, () =>
      this.actions.transferOperators(socket.data.claims.sub),
    );
  }

  private handle<E extends OperatorClientEvent, T>(
    event: E,
    body: unknown,
    work: (payload: OperatorClientPayload<E>) => Promise<T>,
  ): Promise<Ack<T>> {
    return answer(
      this.logger,
      event,
      () => operatorClientSchemas[event].parse(body ?? {}) as OperatorClientPayload<E>,
      work,
    );
  }
}
