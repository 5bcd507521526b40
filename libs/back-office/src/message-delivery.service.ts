import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { DeliveryAttempt, DeliveryHandlerRegistry, DeliveryJobName } from '@centralino/queueing';
import { DepartmentDirectory } from './department-directory';
import { DeliveryRecord, DepartmentMessageRepository } from './department-message.repository';
import { MailSender } from './mail-sender';
import { messageEmail, messageView, MessageView } from './message-view';
import { DeliveryQueue } from './delivery-queue';
import { WebhookSender } from './webhook-sender';

/** The event name of a new message, in the webhook body and its `Centralino-Event` header. */
export const MESSAGE_CREATED_EVENT = 'department_message.created';

const JOB_BY_CHANNEL: Record<DeliveryRecord['channel'], DeliveryJobName> = {
  webhook: 'message.webhook',
  email: 'message.email',
};

/**
 * Delivers department messages to the departments' own tools through the `deliveries` BullMQ queue: one
 * job per delivery, retried with exponential backoff; the last failed attempt puts the delivery on the
 * dead-letter list, from which an admin can re-drive it.
 */
@Injectable()
export class MessageDeliveryService implements OnModuleInit {
  private readonly logger = new Logger(MessageDeliveryService.name);

  constructor(
    private readonly repository: DepartmentMessageRepository,
    private readonly directory: DepartmentDirectory,
    private readonly queue: DeliveryQueue,
    private readonly handlers: DeliveryHandlerRegistry,
    private readonly webhooks: WebhookSender,
    private readonly mail: MailSender,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.register('message.webhook', ({ deliveryId }, attempt) =>
      this.attempt(deliveryId, attempt, (delivery, message) => this.sendWebhook(delivery, message)),
    );
    this.handlers.register('message.email', ({ deliveryId }, attempt) =>
      this.attempt(deliveryId, attempt, (delivery, message) => this.sendEmail(delivery, message)),
    );
    const needsMail = this.directory
      .list()
      .some((inbox) => this.directory.settings(inbox.id).email.length > 0);
    if (needsMail && !this.mail.configured) {
      this.logger.warn(
        'Departments have e-mail addresses but SMTP_HOST is not set: their e-mails will dead-letter',
      );
    }
  }

  /** Enqueues every pending delivery of a message (again: job ids make it idempotent). */
  async enqueuePending(messageId: string): Promise<void> {
    const pending = await this.repository.pendingDeliveries(messageId);
    for (const delivery of pending) await this.enqueue(delivery);
  }

  /**
   * Re-queues pending deliveries whose job is gone (Redis lost, a crash between the commit and the
   * enqueue). Safe at any time: a delivery whose job still waits, runs or is between retries keeps it, as
   * the job id is the same.
   */
  async sweep(limit = 1000): Promise<void> {
    for (const delivery of await this.repository.oldestPending(limit)) await this.enqueue(delivery);
  }

  list(status: DeliveryRecord['status'], limit: number): Promise<DeliveryRecord[]> {
    return this.repository.listDeliveries(status, limit);
  }

  /** Gives a dead delivery a fresh series of attempts. */
  async redrive(id: string, by: string): Promise<DeliveryRecord> {
    const delivery = await this.repository.redrive(id);
    await this.enqueue(delivery);
    this.logger.log({ deliveryId: id, messageId: delivery.messageId, by }, 'Delivery re-driven');
    return delivery;
  }

  private enqueue(delivery: DeliveryRecord): Promise<void> {
    return this.queue.add(
      JOB_BY_CHANNEL[delivery.channel],
      { deliveryId: delivery.id },
      `${delivery.id}.${delivery.redrives}`,
    );
  }

  /** One attempt: counted, then recorded as delivered or failed; a failure is thrown so BullMQ retries. */
  private async attempt(
    deliveryId: string,
    attempt: DeliveryAttempt,
    send: (delivery: DeliveryRecord, message: MessageView) => Promise<void>,
  ): Promise<void> {
    const delivery = await this.repository.startAttempt(deliveryId);
    if (!delivery) return;
    const stored = await this.repository.findById(delivery.messageId);
    if (!stored) throw new DomainError('not_found', `Message ${delivery.messageId} does not exist`);
    const message = messageView(this.directory, stored);
    try {
      await send(delivery, message);
    } catch (error) {
      const reason = (error as Error).message;
      await this.repository.markFailed(deliveryId, reason, attempt.final);
      const context = {
        contactId: message.contactId,
        deliveryId,
        messageId: delivery.messageId,
        channel: delivery.channel,
        attempt: attempt.number,
        err: reason,
      };
      if (attempt.final) this.logger.error(context, 'Delivery failed for good: dead-lettered');
      else this.logger.warn(context, 'Delivery attempt failed: will retry');
      throw error;
    }
    await this.repository.markDelivered(deliveryId);
    this.logger.log(
      { contactId: message.contactId, deliveryId, messageId: delivery.messageId, channel: delivery.channel },
      'Message delivered',
    );
  }

  private inboxUrl(messageId: string): string {
    return `${this.config.publicBaseUrl}/inbox#${messageId}`;
  }

  private async sendWebhook(delivery: DeliveryRecord, message: MessageView): Promise<void> {
    const webhook = this.directory.settings(delivery.departmentId ?? this.directory.receptionInbox).webhook;
    if (!webhook) throw new Error('The department no longer has a webhook configured');
    const body = JSON.stringify({
      event: MESSAGE_CREATED_EVENT,
      deliveryId: delivery.id,
      message: { ...message, inboxUrl: this.inboxUrl(message.id) },
    });
    await this.webhooks.post(delivery.target, webhook.secret, body, {
      'Centralino-Event': MESSAGE_CREATED_EVENT,
      'Centralino-Delivery': delivery.id,
    });
  }

  private async sendEmail(delivery: DeliveryRecord, message: MessageView): Promise<void> {
    const { subject, text } = messageEmail(message, this.inboxUrl(message.id));
    await this.mail.send({
      to: delivery.target.split(',').map((address) => address.trim()),
      subject,
      text,
      headers: { 'X-Centralino-Message': message.id, 'X-Centralino-Delivery': delivery.id },
    });
  }
}
