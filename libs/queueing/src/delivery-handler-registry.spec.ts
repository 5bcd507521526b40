import { DeliveryHandlerRegistry } from './delivery-handler-registry';

describe('DeliveryHandlerRegistry', () => {
  it('refuses to boot while a delivery job has no handler', () => {
    const registry = new DeliveryHandlerRegistry();
    registry.register('message.webhook', async () => undefined);
    expect(() => registry.assertComplete()).toThrow('Delivery jobs without a handler: message.email');
    registry.register('message.email', async () => undefined);
    expect(() => registry.assertComplete()).not.toThrow();
  });

  it('validates the payload and passes the attempt on', async () => {
    const registry = new DeliveryHandlerRegistry();
    const seen: unknown[] = [];
    registry.register('message.webhook', async (payload, attempt) => {
      seen.push({ payload, attempt });
    });
    const deliveryId = '6c1f7f5e-8d0a-4f7e-9a52-0d3b1c2e4f60';
    await registry.handle('message.webhook', { deliveryId }, { number: 2, final: true });
    expect(seen).toEqual([{ payload: { deliveryId }, attempt: { number: 2, final: true } }]);
    await expect(
      registry.handle('message.webhook', { deliveryId: 'x' }, { number: 1, final: false }),
    ).rejects.toThrow();
    await expect(registry.handle('nope', {}, { number: 1, final: false })).rejects.toThrow(
      'Unknown delivery job nope',
    );
  });

  it('refuses a second handler for the same job', () => {
    const registry = new DeliveryHandlerRegistry();
    registry.register('message.email', async () => undefined);
    expect(() => registry.register('message.email', async () => undefined)).toThrow('already has a handler');
  });
});
