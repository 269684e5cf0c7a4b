{{- define "dcat-quality.env" -}}
envFrom:
  - configMapRef:
      name: {{ .Release.Name }}-env
  - secretRef:
      name: {{ .Values.existingSecret }}
env:
  - name: NODE_OPTIONS
    value: {{ .Values.nodeOptions | quote }}
{{- end -}}
