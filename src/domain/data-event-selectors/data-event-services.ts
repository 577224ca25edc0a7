/**
 * ListDataEventServices: the services whose data events a selector can name, with their event
 * names. opentrail stores whatever events are ingested, so this is the list of services it
 * knows the data events of (OSS object operations, ActionTrail's documented example), not a
 * limit on what can be stored **(choice)**.
 */
export interface DataEventService {
  serviceName: string;
  eventNames: readonly string[];
}

export const DATA_EVENT_SERVICES: readonly DataEventService[] = [
  {
    serviceName: 'Oss',
    eventNames: [
      'AbortMultipartUpload',
      'AppendObject',
      'CompleteMultipartUpload',
      'CopyObject',
      'DeleteMultipleObjects',
      'DeleteObject',
      'DeleteObjectTagging',
      'GetObject',
      'GetObjectACL',
      'GetObjectMeta',
      'GetObjectTagging',
      'GetSymlink',
      'HeadObject',
      'InitiateMultipartUpload',
      'ListParts',
      'PostObject',
      'PutObject',
      'PutObjectACL',
      'PutObjectTagging',
      'PutSymlink',
      'RestoreObject',
      'UploadPart',
      'UploadPartCopy',
    ],
  },
];

/** One page in service-name order after `afterName`. */
export function listDataEventServices(
  afterName: string | undefined,
  limit: number,
): { items: DataEventService[]; more: boolean } {
  const rest = DATA_EVENT_SERVICES.filter(
    (s) => afterName === undefined || s.serviceName > afterName,
  );
  return { items: rest.slice(0, limit), more: rest.length > limit };
}
