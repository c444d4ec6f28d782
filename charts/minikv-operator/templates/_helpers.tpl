{{/* Name of the chart, truncated to DNS-label length. */}}
{{- define "minikv-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name when it already contains the chart name. */}}
{{- define "minikv-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "minikv-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "minikv-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "minikv-operator.labels" -}}
{{ include "minikv-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: minikv
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "minikv-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "minikv-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Value of QUARKUS_OPERATOR_SDK_NAMESPACES for the watch mode. */}}
{{- define "minikv-operator.watchedNamespacesEnv" -}}
{{- $mode := .Values.watchNamespaces.mode -}}
{{- if eq $mode "all" -}}
JOSDK_ALL_NAMESPACES
{{- else if eq $mode "current" -}}
JOSDK_WATCH_CURRENT
{{- else if eq $mode "list" -}}
{{- if not .Values.watchNamespaces.namespaces -}}
{{- fail "watchNamespaces.namespaces must list at least one namespace when watchNamespaces.mode is list" -}}
{{- end -}}
{{- join "," .Values.watchNamespaces.namespaces -}}
{{- else -}}
{{- fail (printf "watchNamespaces.mode must be all, current or list (got %s)" $mode) -}}
{{- end -}}
{{- end -}}

{{/* Namespaces that get a Role when the operator does not watch all of them. */}}
{{- define "minikv-operator.roleNamespaces" -}}
{{- if eq .Values.watchNamespaces.mode "list" -}}
{{- join "," .Values.watchNamespaces.namespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* The rules the operator needs on the objects it manages, in every namespace it watches. */}}
{{- define "minikv-operator.rules" -}}
- apiGroups: ["whispem.dev"]
  resources: ["minikvclusters", "whispemjobs"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["whispem.dev"]
  resources: ["minikvclusters/status", "whispemjobs/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["whispem.dev"]
  resources: ["minikvclusters/finalizers", "whispemjobs/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services", "configmaps", "secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
