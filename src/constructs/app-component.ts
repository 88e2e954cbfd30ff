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
  readonly deployment: Deployment;
  readonly service: Service;

  constructor(scope: Construct, component: Component, props: AppComponentProps) {
    super(scope, component);
    const { ctx } = props;
    new ServiceAccount(this, 'serviceaccount', { ctx, component });
    this.deployment = new Deployment(this, 'deployment', { ...props, component });
    const { deployment } = this;
    this.service = new Service(this, 'service', { ctx, component, deployment });
    new PodDisruptionBudget(this, 'poddisruptionbudget', { ctx, component, deployment });
    new HorizontalPodAutoscaler(this, 'horizontalpodautoscaler', { ctx, component, deployment });
  }
}
