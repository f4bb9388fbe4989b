import { Tag } from 'antd';
import { useWords } from './i18n';

const COLOURS: Record<string, string> = {
  applicant: 'blue',
  registered: 'red',
  returned: 'volcano',
  exited: 'green',
  unregistered: 'orange',
  rejected: 'default',
  removed: 'default',
  decreased: 'default',
  none: 'default',
};

export function StatusTag({ status }: { status: string }) {
  const words = useWords();
  return (
    <Tag data-testid="status" color={COLOURS[status] ?? 'default'}>
      {words.label('HouseholdStatus', status)}
    </Tag>
  );
}
