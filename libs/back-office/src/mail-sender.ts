import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '@centralino/config';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** Sends e-mail through the SMTP server of SMTP_HOST (nodemailer); without it, sending fails clearly. */
@Injectable()
export class MailSender implements OnApplicationShutdown {
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(config: AppConfig) {
    const env = config.env;
    this.from = env.SMTP_FROM;
    this.transport = env.SMTP_HOST
      ? createTransport({
          host: env.SMTP_HOST,
          port: env.SMTP_PORT,
          secure: env.SMTP_SECURE,
          auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } : undefined,
          connectionTimeout: env.DELIVERY_TIMEOUT_MS,
          greetingTimeout: env.DELIVERY_TIMEOUT_MS,
          socketTimeout: env.DELIVERY_TIMEOUT_MS,
        })
      : null;
  }

  get configured(): boolean {
    return this.transport !== null;
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transport) throw new Error('SMTP_HOST is not set: e-mail cannot be sent');
    await this.transport.sendMail({ from: this.from, ...mail });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
