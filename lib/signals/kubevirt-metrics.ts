/**
 * The KubeVirt metric names the signal contract uses: series of every VirtualMachineInstance, exported by virt-handler
 * with the labels `namespace` and `name` (of the VMI, which is the VM's name), `node`, plus `drive` (storage),
 * `interface` / `network` (network) and `disk_name` / `mount_point` / `file_system_type` (filesystem).
 *
 * Checked against KubeVirt's docs/observability/metrics.md and pkg/monitoring/metrics/virt-handler/domainstats
 * (KubeVirt v1.9; test/signals/fixtures/kubevirt-vmi-metrics.txt names the commits). A name KubeVirt does not
 * export fails test/signals/metric-names.test.ts.
 * @see https://github.com/kubevirt/kubevirt/blob/main/docs/observability/metrics.md
 */
export const KUBEVIRT_METRICS = {
  cpuUsageSeconds: 'kubevirt_vmi_cpu_usage_seconds_total',
  memoryAvailableBytes: 'kubevirt_vmi_memory_available_bytes',
  memoryUsableBytes: 'kubevirt_vmi_memory_usable_bytes',
  storageIopsRead: 'kubevirt_vmi_storage_iops_read_total',
  storageIopsWrite: 'kubevirt_vmi_storage_iops_write_total',
  storageReadBytes: 'kubevirt_vmi_storage_read_traffic_bytes_total',
  storageWriteBytes: 'kubevirt_vmi_storage_write_traffic_bytes_total',
  networkReceiveBytes: 'kubevirt_vmi_network_receive_bytes_total',
  networkTransmitBytes: 'kubevirt_vmi_network_transmit_bytes_total',
  networkReceivePackets: 'kubevirt_vmi_network_receive_packets_total',
  networkTransmitPackets: 'kubevirt_vmi_network_transmit_packets_total',
  filesystemUsedBytes: 'kubevirt_vmi_filesystem_used_bytes',
  filesystemCapacityBytes: 'kubevirt_vmi_filesystem_capacity_bytes',
} as const;

/** The KubeVirt release the names were checked against. */
export const KUBEVIRT_METRICS_VERSION = 'v1.9';

/** Labels of every VMI series: the VMI's namespace and name. */
export const VMI_LABELS = { namespace: 'namespace', name: 'name' } as const;
