import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { AreaPicker, useVillagesUnder } from '../AreaPicker';
import { useAreaName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { ErrorView } from '../ErrorView';
import { AssessmentsDocument, type AssessmentsQuery, OpenAssessmentDocument } from '../generated';
import { useWords } from '../i18n';
import { CAN } from '../session';

type Row = AssessmentsQuery['thirdPartyAssessments'][number];

/** A new seed: 32 random bytes as hex, from the browser's cryptographic generator. */
export function newSeed(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of the seed, hex: the commitment recorded when the assessment opens. */
export async function commitmentOf(seed: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The assessments of the signed-in area, and (for assessors) opening a new one. */
export function AssessmentsPage() {
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const list = useGraphqlQuery(AssessmentsDocument, {});
  const [opening, setOpening] = useState(false);
  if (list.error) return <ErrorView error={list.error} retry={() => list.refetch()} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="assessments">
      <Card
        size="small"
        title={words.t('thirdParty')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} />
            {CAN.assess(session.claims.role) && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setOpening(true)}
                data-testid="assessment-new"
              >
                {words.t('openAssessment')}
              </Button>
            )}
          </Space>
        }
      >
        <Table<Row>
          rowKey="assessmentId"
          size="small"
          loading={list.isLoading}
          data-testid="assessment-list"
          locale={{ emptyText: words.t('noAssessments') }}
          dataSource={list.data?.thirdPartyAssessments ?? []}
          pagination={false}
          columns={[
            {
              title: words.t('assessmentTitle'),
              render: (_, a) => <Link to={`/assessments/${a.assessmentId}`}>{a.title}</Link>,
            },
            { title: words.t('area'), render: (_, a) => areaName(a.areaCode) },
            { title: words.t('assessmentYear'), dataIndex: 'year' },
            { title: words.t('cutoff'), render: (_, a) => words.date(a.cutoff) },
            {
              title: words.t('sampleHouseholds'),
              render: (_, a) =>
                a.sample ? `${a.results.surveyed} / ${a.results.sampled}` : <Tag>{words.t('notDrawn')}</Tag>,
            },
            {
              title: words.t('results'),
              render: (_, a) => (
                <Tag
                  color={
                    a.results.recommendation === 'exit'
                      ? 'green'
                      : a.results.recommendation === 'not_exit'
                        ? 'red'
                        : 'default'
                  }
                >
                  {words.label('AssessmentRecommendation', a.results.recommendation)}
                </Tag>
              ),
            },
            { title: words.t('recordedAt'), render: (_, a) => words.dateTime(a.openedAt) },
          ]}
        />
      </Card>
      {opening && <OpenForm onClose={() => setOpening(false)} />}
    </Space>
  );
}

interface OpenValues {
  title: string;
  areaCode: string;
  year: number;
  cutoff: Dayjs;
  poorVillages: number;
  otherVillages: number;
  exitedPerVillage: number;
  registeredPerVillage: number;
  poorVillageCodes: string[];
  west: boolean;
}

function OpenForm({ onClose }: { onClose: () => void }) {
  const words = useWords();
  const session = useSignedIn();
  const navigate = useNavigate();
  const villages = useVillagesUnder(session.claims.area);
  const open = useGraphqlMutation(OpenAssessmentDocument);
  const [seed, setSeed] = useState(newSeed);
  const [refusal, setRefusal] = useState<string>();
  const lastYear = dayjs().year() - 1;
  const submit = async (v: OpenValues) => {
    setRefusal(undefined);
    const assessmentId = crypto.randomUUID();
    try {
      const answer = await open.mutateAsync({
        commandId: crypto.randomUUID(),
        input: {
          assessmentId,
          title: v.title,
          areaCode: v.areaCode,
          year: v.year,
          cutoff: v.cutoff.format('YYYY-MM-DD'),
          seedCommitment: await commitmentOf(seed),
          sizes: {
            poorVillages: v.poorVillages,
            otherVillages: v.otherVillages,
            exitedPerVillage: v.exitedPerVillage,
            registeredPerVillage: v.registeredPerVillage,
          },
          poorVillageCodes: v.poorVillageCodes ?? [],
          west: v.west ?? false,
        },
      });
      const outcome = answer.openAssessment;
      if (outcome.__typename === 'AssessmentSuccess') {
        // The seed goes with the assessor to the draw page of this browser; the API never had it.
        sessionStorage.setItem(`registry.seed.${assessmentId}`, seed);
        navigate(`/assessments/${assessmentId}`);
        return;
      }
      setRefusal(outcome.localizedMessage);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Card
      size="small"
      title={words.t('openAssessment')}
      data-testid="assessment-open"
      extra={<Button onClick={onClose}>×</Button>}
    >
      <Form<OpenValues>
        layout="vertical"
        onFinish={submit}
        initialValues={{
          title: `${lastYear}年度贫困县退出第三方评估`,
          areaCode: session.claims.area ?? '',
          year: lastYear,
          cutoff: dayjs(`${lastYear}-12-31`),
          poorVillages: 2,
          otherVillages: 2,
          exitedPerVillage: 10,
          registeredPerVillage: 10,
          poorVillageCodes: [],
          west: false,
        }}
      >
        <Form.Item name="title" label={words.t('assessmentTitle')} rules={[{ required: true }]}>
          <Input data-testid="assessment-title" />
        </Form.Item>
        <Space wrap>
          <Form.Item
            name="areaCode"
            label={words.t('area')}
            rules={[{ required: true, pattern: /^\d{12}$/, message: words.t('areaCode') }]}
          >
            <AreaPicker
              style={{ width: 220 }}
              clearTo={session.claims.area ?? undefined}
              aria-label={words.t('area')}
            />
          </Form.Item>
          <Form.Item name="year" label={words.t('assessmentYear')} rules={[{ required: true }]}>
            <InputNumber min={2014} max={2100} />
          </Form.Item>
          <Form.Item
            name="cutoff"
            label={words.t('cutoff')}
            tooltip={words.t('cutoffHelp')}
            rules={[{ required: true }]}
          >
            <DatePicker data-testid="assessment-cutoff" />
          </Form.Item>
        </Space>
        <Space wrap>
          {(['poorVillages', 'otherVillages', 'exitedPerVillage', 'registeredPerVillage'] as const).map((name) => (
            <Form.Item
              key={name}
              name={name}
              label={words.t(
                name === 'poorVillages' ? 'poorVillagesDrawn' : name === 'otherVillages' ? 'otherVillagesDrawn' : name,
              )}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} max={1000} data-testid={`assessment-${name}`} />
            </Form.Item>
          ))}
        </Space>
        <Form.Item name="poorVillageCodes" label={words.t('poorVillageList')}>
          <Select
            mode="tags"
            optionFilterProp="label"
            data-testid="assessment-poor-villages"
            options={villages.map((v) => ({ value: v.code, label: v.name }))}
          />
        </Form.Item>
        <Form.Item name="west" valuePropName="checked">
          <Checkbox>{words.t('west')}</Checkbox>
        </Form.Item>
        <Form.Item label={words.t('seed')} extra={words.t('seedHelp')}>
          <Space.Compact style={{ width: '100%' }}>
            <Input value={seed} readOnly data-testid="assessment-seed" style={{ fontFamily: 'monospace' }} />
            <Button onClick={() => setSeed(newSeed())}>{words.t('newSeed')}</Button>
          </Space.Compact>
        </Form.Item>
        {refusal && (
          <Alert type="error" showIcon title={refusal} data-testid="assessment-refusal" style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" loading={open.isPending} data-testid="assessment-open-submit">
          {words.t('openAssessment')}
        </Button>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {words.t('cutoffHelp')}
        </Typography.Paragraph>
      </Form>
    </Card>
  );
}
