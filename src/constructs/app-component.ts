import { Construct } from 'constructs';
import type { Component } from '../config/schema';
import type { ModelContext } from '../model/context';
import { Deployment, DeploymentProps } from './deployment';
import { HorizontalPodAutoscaler } from './horizontal-pod-autoscaler';
import { PodDisruptionBudget } from './pod-disruption-budget';
import { Service } from './service';
import { ServiceAccount } from './service-account';

export interface AppComponentProps extends Omit<DeploymentProps, 'component'> {
  readonly ctx: ModelContext;
}

/** One component of the app (backend or frontend): its ServiceAccount, Deployment and Service, and optional PDB and HPA. */
export class AppComponent extends Construct {
  constructor(scope: Construct, component: Component, props: AppComponentProps) {
    super(scope, component);
    new ServiceAccount(this, 'serviceaccount', { ctx: props.ctx, component });
    new Deployment(this, 'deployment', { ...props, component });
    new Service(this, 'service', { ctx: props.ctx, component });
    new PodDisruptionBudget(this, 'poddisruptionbudget', { ctx: props.ctx, component });
    new HorizontalPodAutoscaler(this, 'horizontalpodautoscaler', { ctx: props.ctx, component });
  }
}
