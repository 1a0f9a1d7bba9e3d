import { UsersAdmin } from '@/components/admin/users-admin';

export const metadata = { title: 'Users' };

export default function Page() {
  return <UsersAdmin />;
}
