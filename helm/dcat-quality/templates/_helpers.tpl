{{- define "dcat-quality.labels" -}}
app.kubernetes.io/name: dcat-quality
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: name, instance and component (never the version). */}}
{{- define "dcat-quality.selector" -}}
app.kubernetes.io/name: dcat-quality
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* A config change restarts the pods: the ConfigMap's checksum in the pod template. */}}
{{- define "dcat-quality.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- end -}}

{{/* Environment of a container: (dict "root" $ "nodeOptions" <a worker's own node flags, or empty>) */}}
{{- define "dcat-quality.env" -}}
envFrom:
  - configMapRef:
      name: {{ .root.Release.Name }}-env
  - secretRef:
      name: {{ .root.Values.existingSecret }}
env:
  - name: NODE_OPTIONS
    value: {{ .nodeOptions | default .root.Values.nodeOptions | quote }}
{{- end -}}

{{- define "dcat-quality.container" -}}
image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
securityContext: {{ toJson .Values.securityContext }}
volumeMounts: [{ name: tmp, mountPath: /tmp }]
{{- end -}}
