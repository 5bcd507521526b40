import { DynamicModule, Module } from '@nestjs/common';
import { CallBridges } from './call-bridge';
import { CallbackDialer } from './callback-dialer.service';
import { CallbackService } from './callback.service';
import { ConsoleViewService } from './console-view.service';
import { ContactActionsService } from './contact-actions.service';
import { ContactFlowService } from './contact-flow.service';
import { DispatchSignal } from './dispatch-signal.service';
import { DispatcherService } from './dispatcher.service';
import { OfferExpiryService } from './offer-expiry.service';
import { OfferService } from './offer.service';
import { OperatorDirectory } from './operator-directory.service';
import { OperatorPresenceService } from './operator-presence.service';
import { QueueRulesService } from './queue-rules.service';
import { ReconcilerService } from './reconciler.service';
import { StaffingService } from './staffing.service';
import { SupervisorActionsService } from './supervisor-actions.service';
import { AdmissionLockStore } from './store/admission-lock.store';
import { HandleTimeStore } from './store/handle-time.store';
import { OfferStore } from './store/offer.store';
import { OperatorStateStore } from './store/operator-state.store';
import { RoutingStatsStore } from './store/routing-stats.store';
import { WaitingLineService } from './waiting-line.service';

const shared = [
  AdmissionLockStore,
  CallBridges,
  CallbackDialer,
  CallbackService,
  ConsoleViewService,
  ContactActionsService,
  ContactFlowService,
  DispatchSignal,
  HandleTimeStore,
  OfferService,
  OfferStore,
  OperatorDirectory,
  OperatorPresenceService,
  OperatorStateStore,
  QueueRulesService,
  RoutingStatsStore,
  StaffingService,
  SupervisorActionsService,
  WaitingLineService,
];

/**
 * Routing services every role uses (accept, reject, hang-up, presence), plus the dispatcher, the offer
 * expiry sweep and the reconciler when this process runs the worker role. Expects an OperatorNotifier from the realtime module.
 */
@Module({})
export class RoutingModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const providers = options.worker
      ? [...shared, DispatcherService, OfferExpiryService, ReconcilerService]
      : shared;
    // The dispatcher is exported too, for the readiness probe of the worker role.
    return { module: RoutingModule, global: true, providers, exports: providers };
  }
}
